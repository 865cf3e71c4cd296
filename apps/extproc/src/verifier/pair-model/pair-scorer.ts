import { MicroBatcher } from '../../embedders/micro-batcher.ts';
import { ModelWorker, WorkerStoppedError } from '../../workers/model-worker.ts';
import type { PairModelManifest } from './pair-manifest.ts';
import type { TextPair } from './pair-pipeline.ts';
import type { PairWorkerReply, PairWorkerRequest } from './pair-worker-protocol.ts';
import type { Verifier } from '../verifier.ts';

/** How a cross-encoder verifier runs its model; the same for every kind of pair model. */
export interface PairModelOptions {
  /** onnxruntime intra-op threads in the worker; 0 lets onnxruntime choose. */
  readonly threads?: number;
  readonly batchWindowMs?: number;
  readonly maxBatch?: number;
  /**
   * Lookups waiting for a verdict beyond this are refused at once: each waits behind the others, so past the
   * point where the queue outlasts the timeout, queueing more only turns every verdict into a timeout.
   */
  readonly maxQueued?: number;
  /** A batch still running after this long ends its worker; the next lookup starts a fresh one. */
  readonly stallMs?: number;
  /** Tests point this at a worker that crashes or stalls. */
  readonly workerUrl?: URL;
}

/** What a verifier built on a pair model is given: its directory, and the thresholds measured for it. */
export interface PairVerifierOptions extends PairModelOptions {
  /** Holds semcache-model.json, config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx. */
  readonly dir: string;
  /** Chosen on the tune part of the outside pairs for the active embedder (bench/verifier-quality.ts). */
  readonly tuned?: Verifier['tuned'];
}

const WORKER_URL = new URL('./pair-worker.ts', import.meta.url);
/** Float summation order moves a score by about 1e-4 between CPUs; the saturation this catches moved them by 0.02 to 0.65. */
const REFERENCE_TOLERANCE = 0.005;

/**
 * One worker thread that scores pairs with a sequence-classification model, fed by a micro-batcher: concurrent
 * lookups go to it as one message. A crash rejects what it was running (the verifier refuses: `verifier-failed`)
 * and the next lookup starts a fresh worker; so does a batch that runs longer than `stallMs`, whose worker is
 * ended: a model stuck in a run would otherwise turn every later verdict into a timeout. The thread holds the
 * process open only while it loads or runs a batch.
 */
export class PairScorer {
  readonly #label: string;
  readonly #worker: ModelWorker<PairWorkerRequest, PairWorkerReply>;
  readonly #batcher: MicroBatcher<TextPair, number>;
  readonly #maxQueued: number;
  readonly #manifest: PairModelManifest;
  #queued = 0;

  /** `label` names the verifier in errors: "NLI verifier: the worker stopped". */
  constructor(label: string, dir: string, manifest: PairModelManifest, opts: PairModelOptions) {
    this.#label = label;
    this.#manifest = manifest;
    this.#maxQueued = opts.maxQueued ?? 64;
    this.#worker = new ModelWorker(opts.workerUrl ?? WORKER_URL, { dir, manifest, threads: opts.threads ?? 1 }, { name: `${label} worker`, stallMs: opts.stallMs ?? 30_000 });
    this.#batcher = new MicroBatcher({
      windowMs: opts.batchWindowMs ?? 1,
      maxBatch: opts.maxBatch ?? 16,
      run: async (pairs) => Array.from(await this.#run(pairs)),
    });
  }

  /**
   * Starts the worker if none runs; resolves once the model is loaded and has scored the manifest's reference
   * pairs as where it was measured. A graph this CPU or onnxruntime build computes differently (signed int8
   * weights without AVX-512 VNNI gave an NLI model's negation 0.657 for 0.008) would judge by other verdicts
   * than the measured ones, so it stops start-up.
   */
  async start(): Promise<void> {
    await this.#worker.start();
    const reference = this.#manifest.reference ?? [];
    if (reference.length === 0) return;
    const scores = await this.#run(reference.map(({ first, second }) => ({ first, second })));
    const off = reference.findIndex((r, i) => Math.abs(scores[i]! - r.score) > REFERENCE_TOLERANCE);
    if (off >= 0) {
      const r = reference[off]!;
      await this.close();
      throw new Error(`${this.#label}: scores ${scores[off]!.toFixed(5)} for its reference pair "${r.first}" / "${r.second}", measured at `
        + `${r.score}: this CPU or onnxruntime build computes the model differently, and its verdicts would not be the measured ones`);
    }
  }

  /** The scores of one lookup's pairs, in order; refused at once past `maxQueued` waiting lookups. */
  async score(pairs: TextPair[]): Promise<number[]> {
    if (this.#queued >= this.#maxQueued) throw new Error(`${this.#label}: ${this.#queued} lookups already waiting`);
    this.#queued++;
    try {
      return await this.#batcher.submit(pairs);
    } finally {
      this.#queued--;
    }
  }

  close(): Promise<void> {
    return this.#worker.close();
  }

  async #run(pairs: TextPair[]): Promise<Float32Array> {
    if (this.#worker.closed) throw new Error(`${this.#label} is closed`);
    let reply: Extract<PairWorkerReply, { readonly id: number }>;
    try {
      reply = await this.#worker.request({ pairs });
    } catch (err) {
      if (err instanceof WorkerStoppedError) throw new Error(`${this.#label}: the worker stopped`, { cause: err });
      throw err;
    }
    if (reply.type === 'scores') return reply.scores;
    throw new Error(`${this.#label}: ${reply.message}`);
  }
}
