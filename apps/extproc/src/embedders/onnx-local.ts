import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { EmbedderIdentity } from '@semcache/shared';
import { AutoModel, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer, type Tensor } from '@huggingface/transformers';
import { EmbedderError, l2normalize, type Embedder } from './embedder.ts';
import { MicroBatcher } from './micro-batcher.ts';
import { fingerprintDir, readManifest, REQUIRED_FILES, resolveModelSource, validateModelDir, type ModelSource, type ModelSourceOptions } from './model-source.ts';

export interface OnnxLocalOptions extends ModelSourceOptions {
  /** Overrides the manifest's measured threshold; 0.85 for a model without one. */
  readonly defaultThreshold?: number | undefined;
  /** Overrides the manifest's token window (sentence-transformers' max_seq_length). */
  readonly maxTokens?: number | undefined;
  /** onnxruntime intra-op threads; 0 lets onnxruntime choose (one per core). Default 1: see the config schema. */
  readonly threads?: number | undefined;
  readonly batchWindowMs?: number | undefined;
  readonly maxBatch?: number | undefined;
}

/** For a model directory without the installer's manifest: an unmeasured guess, as the README says. */
const UNMEASURED_THRESHOLD = 0.85;
const DEFAULT_MAX_TOKENS = 256;
const TOKEN_OUTPUTS = ['last_hidden_state', 'token_embeddings'];

interface Loaded {
  readonly tokenizer: PreTrainedTokenizer;
  readonly model: PreTrainedModel;
}

/**
 * A sentence-transformers model run in-process through @huggingface/transformers (onnxruntime-node): mean pooling
 * over the attention mask, then L2 normalisation. Inference runs on onnxruntime's own threads, so the event loop
 * only tokenizes; concurrent calls are batched into one run. Remote loading is off unless the operator turns it
 * on for a hub model, so a missing file is an error at start-up, never a download.
 */
export class OnnxLocalEmbedder implements Embedder {
  identity: EmbedderIdentity;
  readonly defaultThreshold: number;
  /** Prompts with more tokens than this are not embedded: their tail would be cut off and ignored. */
  readonly maxTokens: number;
  readonly source: ModelSource;
  readonly #tokenOutput: string | undefined;
  readonly #threads: number;
  readonly #maxBatch: number;
  readonly #batcher: MicroBatcher<string, Float32Array>;
  #loading: Promise<Loaded> | null = null;
  #loaded: Loaded | null = null;

  /** Checks a model directory synchronously, so a bad configuration stops start-up with a clear message. */
  constructor(opts: OnnxLocalOptions) {
    this.source = resolveModelSource(opts);
    let dimensions = 0;
    let manifest = null;
    if (this.source.kind === 'dir') {
      dimensions = validateModelDir(this.source.dir);
      manifest = readManifest(this.source.dir);
    }
    this.identity = {
      provider: 'onnx-local',
      model: this.source.kind === 'dir' ? basename(this.source.dir) : this.source.id,
      version: this.source.kind === 'dir' ? fingerprintDir(this.source.dir) : 'hub',
      dimensions,
    };
    this.defaultThreshold = opts.defaultThreshold ?? manifest?.defaultThreshold ?? UNMEASURED_THRESHOLD;
    this.maxTokens = opts.maxTokens ?? manifest?.maxTokens ?? DEFAULT_MAX_TOKENS;
    this.#tokenOutput = manifest?.tokenOutput;
    this.#threads = opts.threads ?? 1;
    this.#maxBatch = opts.maxBatch ?? 32;
    this.#batcher = new MicroBatcher({ windowMs: opts.batchWindowMs ?? 1, maxBatch: this.#maxBatch, run: (t) => this.#run(t) });
  }

  /** Constructs and loads in one step, so start-up fails on a bad model rather than the first request. */
  static async load(opts: OnnxLocalOptions | string): Promise<OnnxLocalEmbedder> {
    const embedder = new OnnxLocalEmbedder(typeof opts === 'string' ? { modelDir: opts } : opts);
    await embedder.init();
    return embedder;
  }

  /** Loads tokenizer and ONNX session; idempotent, and `embed` calls it too. */
  async init(): Promise<void> {
    this.#loading ??= this.#load();
    this.#loaded = await this.#loading;
  }

  async #load(): Promise<Loaded> {
    const src = this.source;
    // transformers.js resolves a model id against a global root; pointing it at the directory's parent keeps the
    // id a plain name. Remote loading stays off for a directory: nothing may download at run time.
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
    const id = src.kind === 'dir' ? basename(src.dir) : src.id;
    const where = src.kind === 'dir' ? src.dir : `${src.id} (hub ${src.remoteHost}, cache ${src.cacheDir})`;
    try {
      const local_files_only = src.kind === 'dir' || !src.allowRemote;
      const tokenizer = await AutoTokenizer.from_pretrained(id, { local_files_only });
      const session_options = this.#threads > 0 ? { intraOpNumThreads: this.#threads, interOpNumThreads: 1 } : {};
      const model = await AutoModel.from_pretrained(id, { local_files_only, dtype: 'fp32', device: 'cpu', session_options });
      const dims = (model.config as { hidden_size?: number }).hidden_size;
      if (src.kind === 'hub') this.#adoptHubIdentity(src, dims);
      return { tokenizer, model };
    } catch (err) {
      this.#loading = null;
      throw new Error(`onnx-local embedder: cannot load model from ${where}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The hub's files are in the cache once loaded: fingerprint them as a directory's. */
  #adoptHubIdentity(src: Extract<ModelSource, { kind: 'hub' }>, dims: number | undefined): void {
    if (!Number.isInteger(dims) || dims! <= 0) throw new Error('config.json has no positive integer hidden_size');
    const cached = join(src.cacheDir, src.id);
    const version = REQUIRED_FILES.every((f) => existsSync(join(cached, f))) ? fingerprintDir(cached) : 'hub';
    this.identity = { ...this.identity, version, dimensions: dims! };
  }

  /** Whether a prompt fits the model's token window; only a prompt that fits is embedded. */
  fits(text: string): boolean {
    // A WordPiece token covers at least one character, and [CLS] and [SEP] add two.
    if (text.length + 2 <= this.maxTokens) return true;
    if (!this.#loaded) return false;
    return this.#loaded.tokenizer.encode(text).length <= this.maxTokens;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    await this.init();
    // A long call is cut into runs of maxBatch: one run over thousands of texts would take gigabytes.
    const chunks: Promise<Float32Array[]>[] = [];
    for (let i = 0; i < texts.length; i += this.#maxBatch) chunks.push(this.#batcher.submit(texts.slice(i, i + this.#maxBatch)));
    return (await Promise.all(chunks)).flat();
  }

  async #run(texts: string[]): Promise<Float32Array[]> {
    const { tokenizer, model } = this.#loaded!;
    try {
      const inputs = tokenizer(texts, { padding: true, truncation: true, max_length: this.maxTokens });
      const output = (await model(inputs)) as Record<string, Tensor | undefined>;
      const name = this.#tokenOutput ?? TOKEN_OUTPUTS.find((n) => output[n]);
      const hidden = name ? output[name] : undefined;
      if (!hidden) throw new Error(`model has no ${this.#tokenOutput ?? TOKEN_OUTPUTS.join(' or ')} output`);
      return meanPool(hidden, inputs.attention_mask as Tensor, this.identity.dimensions);
    } catch (err) {
      throw new EmbedderError('bad-response', `onnx-local embedder: ${(err as Error).message}`, { cause: err });
    }
  }

  async close(): Promise<void> {
    const loaded = await this.#loading?.catch(() => null);
    this.#loading = null;
    this.#loaded = null;
    await loaded?.model.dispose();
  }
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
