import { basename, dirname, join } from 'node:path';
import { AutoModel, AutoTokenizer, env, Tensor, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import { l2normalize } from './embedder.ts';
import { planRuns } from './length-runs.ts';
import type { ModelSource } from './model-source.ts';

const TOKEN_OUTPUTS = ['last_hidden_state', 'token_embeddings'];
/**
 * One run's fixed cost in tokens' worth of work: all-MiniLM-L6 int8, one thread, 2026-12-01 under load 12: 19 ms
 * for one prompt of 9 tokens, 47 ms for 8 of them, 27 ms for one of 31 tokens (about 15 ms a run, 0.5 ms a token).
 */
export const RUN_COST_TOKENS = 30;

export interface Pipeline {
  readonly tokenizer: PreTrainedTokenizer;
  readonly model: PreTrainedModel;
}

export interface PipelineOptions {
  readonly maxTokens: number;
  readonly dimensions: number;
  /** The manifest's name of the per-token output; without one the usual names are tried. */
  readonly tokenOutput: string | undefined;
  /** Cut the batch into runs of similar length (false: one run, every prompt padded to the batch's longest). */
  readonly lengthRuns: boolean;
}

/** Where a source is, for an error message. */
export function describeSource(src: ModelSource): string {
  return src.kind === 'dir' ? src.dir : `${src.id} (hub ${src.remoteHost}, cache ${src.cacheDir})`;
}

/**
 * transformers.js resolves a model id against a global root, per thread; pointing it at the directory's parent
 * keeps the id a plain name. Remote loading stays off for a directory: nothing may download at run time.
 */
function configureEnv(src: ModelSource): { id: string; local_files_only: boolean } {
  env.allowLocalModels = true;
  if (src.kind === 'dir') {
    env.allowRemoteModels = false;
    env.localModelPath = `${dirname(src.dir)}/`;
  } else {
    env.allowRemoteModels = src.allowRemote;
    env.remoteHost = src.remoteHost.endsWith('/') ? src.remoteHost : `${src.remoteHost}/`;
    env.cacheDir = src.cacheDir;
    env.useFSCache = true;
    env.localModelPath = `${join(src.cacheDir, '.local')}/`;
  }
  return { id: src.kind === 'dir' ? basename(src.dir) : src.id, local_files_only: src.kind === 'dir' || !src.allowRemote };
}

export async function loadTokenizer(src: ModelSource): Promise<PreTrainedTokenizer> {
  const { id, local_files_only } = configureEnv(src);
  return AutoTokenizer.from_pretrained(id, { local_files_only });
}

/** Tokenizer and ONNX session; `threads` 0 lets onnxruntime choose. */
export async function loadPipeline(src: ModelSource, threads: number): Promise<Pipeline> {
  const tokenizer = await loadTokenizer(src);
  const { id, local_files_only } = configureEnv(src);
  const session_options = threads > 0 ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {};
  const model = await AutoModel.from_pretrained(id, { local_files_only, dtype: 'fp32', device: 'cpu', session_options });
  return { tokenizer, model };
}

export function hiddenSize(p: Pipeline): number | undefined {
  return (p.model.config as { hidden_size?: number }).hidden_size;
}

/**
 * One batch through tokenizer and model, mean-pooled and normalised: one vector per text, in order. The batch is
 * tokenised once, then each run takes its prompts' rows cut to the run's longest prompt: right padding means a
 * row's first `length` tokens are the prompt, and the attention mask keeps the rest out of its vector.
 */
export async function embedBatch(p: Pipeline, texts: string[], opts: PipelineOptions): Promise<Float32Array[]> {
  const inputs = p.tokenizer(texts, { padding: true, truncation: true, max_length: opts.maxTokens }) as Record<string, Tensor>;
  const mask = inputs['attention_mask']!;
  const width = mask.dims[1]!;
  const maskData = mask.data as BigInt64Array;
  const lengths = texts.map((_, b) => {
    let n = 0;
    for (let s = b * width; s < (b + 1) * width; s++) n += Number(maskData[s]);
    return n;
  });
  // A tokenizer that pads on the left has its prompts at the rows' ends: cutting rows would drop them.
  const rightPadded = lengths.every((n, b) => n === 0 || maskData[b * width] === 1n);
  const runs = opts.lengthRuns && rightPadded ? planRuns(lengths, RUN_COST_TOKENS) : [texts.map((_, i) => i)];
  const out: Float32Array[] = new Array(texts.length);
  for (const rows of runs) {
    const runWidth = Math.max(...rows.map((r) => lengths[r]!));
    const runInputs = Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, cutRows(t, rows, runWidth)]));
    const output = (await p.model(runInputs)) as Record<string, Tensor | undefined>;
    const name = opts.tokenOutput ?? TOKEN_OUTPUTS.find((n) => output[n]);
    const hidden = name ? output[name] : undefined;
    if (!hidden) throw new Error(`model has no ${opts.tokenOutput ?? TOKEN_OUTPUTS.join(' or ')} output`);
    meanPool(hidden, runInputs['attention_mask']!, opts.dimensions).forEach((v, i) => { out[rows[i]!] = v; });
  }
  return out;
}

/** The given rows of a [batch, width] token tensor, each cut to its first `width` columns. */
function cutRows(t: Tensor, rows: readonly number[], width: number): Tensor {
  const full = t.dims[1]!;
  const src = t.data as BigInt64Array;
  const data = new BigInt64Array(rows.length * width);
  rows.forEach((r, i) => data.set(src.subarray(r * full, r * full + width), i * width));
  return new Tensor(t.type, data, [rows.length, width]);
}

/** Averages token vectors where the attention mask is 1, so padding never shifts a prompt's vector. */
function meanPool(hidden: Tensor, mask: Tensor, dimensions: number): Float32Array[] {
  const [batch, seq, dim] = hidden.dims as [number, number, number];
  if (dim !== dimensions) throw new Error(`model output has ${dim} dimensions, config.json says ${dimensions}`);
  const h = hidden.data as Float32Array;
  const m = mask.data as BigInt64Array;
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float32Array(dim);
    let count = 0;
    for (let s = 0; s < seq; s++) {
      if (m[b * seq + s] === 0n) continue;
      count++;
      const base = (b * seq + s) * dim;
      for (let d = 0; d < dim; d++) v[d] = v[d]! + h[base + d]!;
    }
    if (count > 0) for (let d = 0; d < dim; d++) v[d] = v[d]! / count;
    out.push(l2normalize(v));
  }
  return out;
}
