import { basename, dirname, join } from 'node:path';
import { AutoModel, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer, type Tensor } from '@huggingface/transformers';
import { l2normalize } from './embedder.ts';
import type { ModelSource } from './model-source.ts';

const TOKEN_OUTPUTS = ['last_hidden_state', 'token_embeddings'];

export interface Pipeline {
  readonly tokenizer: PreTrainedTokenizer;
  readonly model: PreTrainedModel;
}

export interface PipelineOptions {
  readonly maxTokens: number;
  readonly dimensions: number;
  /** The manifest's name of the per-token output; without one the usual names are tried. */
  readonly tokenOutput: string | undefined;
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

/** One batch through tokenizer and model, mean-pooled and normalised: one vector per text, in order. */
export async function embedBatch(p: Pipeline, texts: string[], opts: PipelineOptions): Promise<Float32Array[]> {
  const inputs = p.tokenizer(texts, { padding: true, truncation: true, max_length: opts.maxTokens });
  const output = (await p.model(inputs)) as Record<string, Tensor | undefined>;
  const name = opts.tokenOutput ?? TOKEN_OUTPUTS.find((n) => output[n]);
  const hidden = name ? output[name] : undefined;
  if (!hidden) throw new Error(`model has no ${opts.tokenOutput ?? TOKEN_OUTPUTS.join(' or ')} output`);
  return meanPool(hidden, inputs.attention_mask as Tensor, opts.dimensions);
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
