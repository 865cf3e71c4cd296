import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, type NliManifest, type PairReference } from '../../embedders/model-catalog.ts';
import { assertUnsignedInt8Weights } from '../../embedders/unsigned-int8-weights.ts';

/**
 * A duplicate-question cross-encoder (BertForSequenceClassification, one logit): written next to its files as
 * `semcache-model.json`. The score of a pair is the sigmoid of its logit.
 */
export interface DuplicateManifest {
  readonly kind: 'duplicate';
  readonly name: string;
  /** transformers.js's architecture name, as in config.json. */
  readonly modelType: string;
  /** The longest (query, candidate) pair the model reads, special tokens included; a longer pair scores 0. */
  readonly maxTokens: number;
  /** Score both orders and take the mean, for a model whose verdict depends on which text comes first. */
  readonly symmetric: boolean;
  readonly licence: string;
  /** (query, candidate) runs and their scores where the model was measured, checked when it loads. */
  readonly reference?: readonly PairReference[];
}

export type PairModelManifest = NliManifest | DuplicateManifest;

const REQUIRED = [MANIFEST_FILE, 'config.json', 'tokenizer.json', 'tokenizer_config.json', join('onnx', 'model.onnx')] as const;

const VALID: { readonly [K in PairModelManifest['kind']]: (m: Record<string, unknown>) => boolean } = {
  nli: (m) => Number.isInteger(m.sequenceLength) && Number.isInteger(m.scoreLabel),
  duplicate: (m) => Number.isInteger(m.maxTokens) && (m.maxTokens as number) > 2 && typeof m.symmetric === 'boolean',
};

export interface ManifestExpectation<K extends PairModelManifest['kind']> {
  readonly kind: K;
  /** How errors name the verifier: "NLI verifier: ...". */
  readonly label: string;
  /** Appended to a missing file's error: how to get the model. */
  readonly hint: string;
}

/**
 * Checks the directory before transformers.js does, so a missing file stops start-up with its name, and a graph
 * whose verdicts would depend on the CPU (signed int8 weights) with the command that fixes it.
 */
export function readPairManifest<K extends PairModelManifest['kind']>(dir: string, want: ManifestExpectation<K>): Extract<PairModelManifest, { kind: K }> {
  for (const f of REQUIRED) {
    const path = join(dir, f);
    if (!existsSync(path)) throw new Error(`${want.label}: ${path} is missing${want.hint ? ` (${want.hint})` : ''}`);
  }
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Record<string, unknown>;
  if (manifest.kind !== want.kind || !VALID[want.kind](manifest)) {
    throw new Error(`${want.label}: ${join(dir, MANIFEST_FILE)} does not describe a model of kind "${want.kind}"`);
  }
  assertUnsignedInt8Weights(join(dir, 'onnx', 'model.onnx'), want.label);
  return manifest as unknown as Extract<PairModelManifest, { kind: K }>;
}
