import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { EmbedderIdentity } from '@semcache/shared';
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { EmbedWorker } from './embed-worker.ts';
import type { Embedder } from './embedder.ts';
import { MicroBatcher } from './micro-batcher.ts';
import { describeSource, loadTokenizer } from './onnx-pipeline.ts';
import { fingerprintDir, readManifest, REQUIRED_FILES, resolveModelSource, validateModelDir, type ModelSource, type ModelSourceOptions } from './model-source.ts';

export interface OnnxLocalOptions extends ModelSourceOptions {
  /** Overrides the manifest's measured threshold; 0.85 for a model without one. */
  readonly defaultThreshold?: number | undefined;
  /** Overrides the manifest's token window (sentence-transformers' max_seq_length). */
  readonly maxTokens?: number | undefined;
  /** onnxruntime intra-op threads; 0 lets onnxruntime choose (one per core). Default 1: see the config schema. */
  readonly threads?: number | undefined;
  readonly batchWindowMs?: number | undefined;
  /** Wait the window only while lookups have been sharing runs; a lone lookup runs at once. Default true. */
  readonly adaptiveWindow?: boolean | undefined;
  readonly maxBatch?: number | undefined;
  /** Worker threads, each with its own ONNX session, running batches side by side. Default 1. */
  readonly workers?: number | undefined;
  /** Cut a batch into runs of similar token length, so short prompts are not padded to a long one's. Default true. */
  readonly lengthRuns?: boolean | undefined;
}

/** For a model directory without the installer's manifest: an unmeasured guess, as the README says. */
const UNMEASURED_THRESHOLD = 0.85;
const DEFAULT_MAX_TOKENS = 256;
const WORKER_URL = new URL('./onnx-worker.ts', import.meta.url);

/**
 * A sentence-transformers model run through @huggingface/transformers (onnxruntime-node): mean pooling over the
 * attention mask, then L2 normalisation. Tokenizer and model run in worker threads: onnxruntime-node's run
 * holds its calling thread for the whole inference, which on the main thread stalled every gRPC stream.
 * Concurrent calls are batched on the main thread, one batch per free worker. Remote loading is off unless the operator turns
 * it on for a hub model, so a missing file is an error at start-up, never a download.
 */
export class OnnxLocalEmbedder implements Embedder {
  identity: EmbedderIdentity;
  readonly defaultThreshold: number;
  /** Prompts with more tokens than this are not embedded: their tail would be cut off and ignored. */
  readonly maxTokens: number;
  readonly source: ModelSource;
  readonly #maxBatch: number;
  readonly #batcher: MicroBatcher<string, Float32Array>;
  readonly #workers: EmbedWorker[];
  #loading: Promise<PreTrainedTokenizer> | null = null;
  /** The main thread's own tokenizer, for `fits` alone: it must answer synchronously. */
  #tokenizer: PreTrainedTokenizer | null = null;

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
    this.#maxBatch = opts.maxBatch ?? 32;
    const setup = {
      source: this.source,
      threads: opts.threads ?? 1,
      maxTokens: this.maxTokens,
      dimensions,
      tokenOutput: manifest?.tokenOutput,
      lengthRuns: opts.lengthRuns ?? true,
    };
    this.#workers = Array.from({ length: opts.workers ?? 1 }, () => new EmbedWorker(WORKER_URL, setup));
    // The batcher runs at most one batch per worker, so a free one is always there when it runs.
    const free = [...this.#workers];
    this.#batcher = new MicroBatcher({
      windowMs: opts.batchWindowMs ?? 1,
      adaptive: opts.adaptiveWindow ?? true,
      maxBatch: this.#maxBatch,
      maxRunning: this.#workers.length,
      run: async (texts) => {
        const worker = free.pop()!;
        try {
          return await worker.run(texts);
        } finally {
          free.push(worker);
        }
      },
    });
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
    this.#tokenizer = await this.#loading;
  }

  async #load(): Promise<PreTrainedTokenizer> {
    const src = this.source;
    try {
      // The tokenizer first: for a hub model it fetches the tokenizer files the worker then finds in the cache.
      const tokenizer = await loadTokenizer(src);
      const [dims] = await Promise.all(this.#workers.map((w) => w.start()));
      if (src.kind === 'hub') this.#adoptHubIdentity(src, dims);
      return tokenizer;
    } catch (err) {
      this.#loading = null;
      throw new Error(`onnx-local embedder: cannot load model from ${describeSource(src)}: ${(err as Error).message}`, { cause: err });
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
    if (!this.#tokenizer) return false;
    return this.#tokenizer.encode(text).length <= this.maxTokens;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    await this.init();
    // A long call is cut into runs of maxBatch: one run over thousands of texts would take gigabytes.
    const chunks: Promise<Float32Array[]>[] = [];
    for (let i = 0; i < texts.length; i += this.#maxBatch) chunks.push(this.#batcher.submit(texts.slice(i, i + this.#maxBatch)));
    return (await Promise.all(chunks)).flat();
  }

  async close(): Promise<void> {
    await this.#loading?.catch(() => null);
    this.#loading = null;
    this.#tokenizer = null;
    await Promise.all(this.#workers.map((w) => w.close()));
  }
}
