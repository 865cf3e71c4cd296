import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { EmbedderIdentity } from '@semcache/shared';
import { AutoModel, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer, type Tensor } from '@huggingface/transformers';
import { EmbedderError, l2normalize, type Embedder } from './embedder.ts';

export interface OnnxLocalOptions {
  /** A sentence-transformers export: config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx. */
  readonly modelDir: string;
  /** Not measured by bench/hit-quality for arbitrary models: configure it per model. */
  readonly defaultThreshold?: number;
  readonly maxLength?: number;
}

const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', join('onnx', 'model.onnx')];
/** Enough of the model file to tell two exports apart without reading hundreds of megabytes. */
const FINGERPRINT_BYTES = 1 << 20;

/**
 * A sentence-transformers model run locally through @huggingface/transformers: mean pooling over the
 * attention mask, then L2 normalisation. Remote loading is switched off, so a missing file is an error at
 * construction or `init()`, never a download.
 */
export class OnnxLocalEmbedder implements Embedder {
  readonly identity: EmbedderIdentity;
  readonly defaultThreshold: number;
  private readonly modelDir: string;
  private readonly maxLength: number;
  private loading: Promise<{ tokenizer: PreTrainedTokenizer; model: PreTrainedModel }> | null = null;

  /** Checks the directory synchronously, so a bad configuration stops start-up with a clear message. */
  constructor(opts: OnnxLocalOptions) {
    this.modelDir = resolve(opts.modelDir);
    const dimensions = validateModelDir(this.modelDir);
    this.identity = {
      provider: 'onnx-local',
      model: basename(this.modelDir),
      version: fingerprint(this.modelDir),
      dimensions,
    };
    this.defaultThreshold = opts.defaultThreshold ?? 0.85;
    this.maxLength = opts.maxLength ?? 256;
  }

  /** Constructs and loads in one step, so start-up fails on a bad model rather than the first request. */
  static async load(opts: OnnxLocalOptions | string): Promise<OnnxLocalEmbedder> {
    const embedder = new OnnxLocalEmbedder(typeof opts === 'string' ? { modelDir: opts } : opts);
    await embedder.init();
    return embedder;
  }

  /** Loads tokenizer and ONNX session; idempotent, and `embed` calls it too. */
  async init(): Promise<void> {
    this.loading ??= this.load();
    await this.loading;
  }

  private async load(): Promise<{ tokenizer: PreTrainedTokenizer; model: PreTrainedModel }> {
    // transformers.js resolves a model id against a global root; pointing it at the directory's parent keeps the
    // id a plain name. Remote loading stays off for the whole process: nothing may download at run time.
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = `${dirname(this.modelDir)}/`;
    const id = basename(this.modelDir);
    try {
      const tokenizer = await AutoTokenizer.from_pretrained(id, { local_files_only: true });
      const model = await AutoModel.from_pretrained(id, { local_files_only: true, dtype: 'fp32', device: 'cpu' });
      return { tokenizer, model };
    } catch (err) {
      this.loading = null;
      throw new Error(`onnx-local embedder: cannot load model from ${this.modelDir}: ${(err as Error).message}`, { cause: err });
    }
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    await this.init();
    const { tokenizer, model } = await this.loading!;
    try {
      const inputs = tokenizer([...texts], { padding: true, truncation: true, max_length: this.maxLength });
      const output = (await model(inputs)) as { last_hidden_state?: Tensor; token_embeddings?: Tensor };
      const hidden = output.last_hidden_state ?? output.token_embeddings;
      if (!hidden) throw new Error('model has no last_hidden_state output');
      return meanPool(hidden, inputs.attention_mask as Tensor, this.identity.dimensions);
    } catch (err) {
      throw new EmbedderError('bad-response', `onnx-local embedder: ${(err as Error).message}`, { cause: err });
    }
  }

  async close(): Promise<void> {
    const loaded = await this.loading?.catch(() => null);
    this.loading = null;
    await loaded?.model.dispose();
  }
}

/** Checks the files before transformers.js does, for an error that names what is missing. Returns hidden_size. */
function validateModelDir(dir: string): number {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`onnx-local embedder: model directory ${dir} does not exist`);
  }
  const missing = REQUIRED_FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) throw new Error(`onnx-local embedder: ${dir} lacks ${missing.join(', ')}`);
  let config: { hidden_size?: unknown; model_type?: unknown };
  try {
    config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as typeof config;
  } catch (err) {
    throw new Error(`onnx-local embedder: ${join(dir, 'config.json')} is not valid JSON`, { cause: err });
  }
  if (typeof config.model_type !== 'string') throw new Error(`onnx-local embedder: config.json has no model_type`);
  if (!Number.isInteger(config.hidden_size) || (config.hidden_size as number) <= 0) {
    throw new Error(`onnx-local embedder: config.json has no positive integer hidden_size`);
  }
  return config.hidden_size as number;
}

function fingerprint(dir: string): string {
  const hash = createHash('sha256');
  const model = readFileSync(join(dir, 'onnx', 'model.onnx'));
  hash.update(model.subarray(0, FINGERPRINT_BYTES)).update(String(model.length));
  hash.update(readFileSync(join(dir, 'tokenizer.json')));
  return hash.digest('hex').slice(0, 12);
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
