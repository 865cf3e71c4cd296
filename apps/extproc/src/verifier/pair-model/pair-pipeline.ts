import { basename, dirname } from 'node:path';
import { AutoModelForSequenceClassification, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer, type Tensor } from '@huggingface/transformers';
import type { PairModelManifest } from './pair-manifest.ts';

export interface PairPipeline {
  readonly tokenizer: PreTrainedTokenizer;
  readonly model: PreTrainedModel;
  readonly manifest: PairModelManifest;
}

/** Two texts the model reads together, in this order (NLI: premise, hypothesis; duplicate: query, candidate). */
export interface TextPair {
  readonly first: string;
  readonly second: string;
}

/** Tokenizer and ONNX session from a directory only: nothing downloads at run time. `threads` 0 lets onnxruntime choose. */
export async function loadPairPipeline(dir: string, manifest: PairModelManifest, threads: number): Promise<PairPipeline> {
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
 * The score of each pair, in order. Each pair is its own run: the int8 graphs quantize activations with one scale
 * per run, so a pair's score would move with whatever other pairs (another tenant's) shared its batch, and a
 * batch of 16 measured no faster than 16 runs on this CPU. A pair longer than the model reads scores 0: its
 * cut-off tail could hold the difference.
 */
export async function scoreEach(p: PairPipeline, pairs: readonly TextPair[]): Promise<Float32Array> {
  const out = new Float32Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) out[i] = p.manifest.kind === 'nli' ? await nliScore(p, p.manifest, pairs[i]!) : await duplicateScore(p, p.manifest, pairs[i]!);
  return out;
}

/** The pair tokenized whole, nothing cut off: its length says whether the model can read it. */
const untruncated = (p: PairPipeline, pair: TextPair) => p.tokenizer(pair.first, { text_pair: pair.second, truncation: false });
const length = (inputs: ReturnType<typeof untruncated>): number => (inputs.input_ids as Tensor).dims.at(-1)!;

async function logitsOf(p: PairPipeline, inputs: unknown): Promise<Float32Array> {
  const { logits } = (await p.model(inputs)) as { logits: Tensor };
  if (logits.dims.length !== 2 || logits.dims[0] !== 1) throw new Error(`${p.manifest.name} returned logits of shape [${logits.dims.join(', ')}] for one pair`);
  return logits.data as Float32Array;
}

/** The probability of the manifest's score label in one direction, softmax over the logits. */
async function nliScore(p: PairPipeline, m: Extract<PairModelManifest, { kind: 'nli' }>, pair: TextPair): Promise<number> {
  if (length(untruncated(p, pair)) > m.sequenceLength) return 0;
  // The graph's input length is fixed: every pair is padded to it.
  const l = await logitsOf(p, p.tokenizer(pair.first, { text_pair: pair.second, padding: 'max_length', truncation: true, max_length: m.sequenceLength }));
  if (m.scoreLabel >= l.length) throw new Error(`${m.name} returned ${l.length} logits, no label ${m.scoreLabel}`);
  const max = Math.max(...l);
  let sum = 0;
  for (const v of l) sum += Math.exp(v - max);
  return Math.exp(l[m.scoreLabel]! - max) / sum;
}

/** The sigmoid of the one logit; the graph's length is dynamic, so one pair runs unpadded. */
async function duplicateScore(p: PairPipeline, m: Extract<PairModelManifest, { kind: 'duplicate' }>, pair: TextPair): Promise<number> {
  const inputs = untruncated(p, pair);
  if (length(inputs) > m.maxTokens) return 0;
  const l = await logitsOf(p, inputs);
  if (l.length !== 1) throw new Error(`${m.name} returned ${l.length} logits where a duplicate-question model gives 1`);
  return 1 / (1 + Math.exp(-l[0]!));
}
