import { basename } from 'node:path';
import { MicroBatcher } from '../../embedders/micro-batcher.ts';
import type { Verifier, VerifierInput } from '../verifier.ts';
import type { NliPair } from './nli-pipeline.ts';
import { readNliManifest } from './nli-pipeline.ts';
import { NliWorker } from './nli-worker-client.ts';

export interface NliVerifierOptions {
  /** Holds semcache-model.json, config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx. */
  readonly dir: string;
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
  /** Chosen on the tune part of the outside pairs for the active embedder (bench/verifier-quality.ts --nli). */
  readonly tuned?: Verifier['tuned'];
  /** Tests point this at a worker that crashes or stalls. */
  readonly workerUrl?: URL;
}

const WORKER_URL = new URL('./nli-worker.ts', import.meta.url);

/**
 * A cross-encoder that reads both prompts together: the candidate's answer serves the query only if each
 * entails the other, so the score is the smaller of the two directions' probabilities. Inference runs in a
 * worker thread, concurrent lookups go to it as one message; a crash rejects (the engine refuses:
 * `verifier-failed`) and the next lookup starts a fresh worker.
 */
export class NliVerifier implements Verifier {
  readonly id: string;
  readonly tuned: Verifier['tuned'];
  readonly #worker: NliWorker;
  readonly #batcher: MicroBatcher<NliPair, number>;
  readonly #maxQueued: number;
  #queued = 0;

  /** Checks the directory synchronously: a missing file stops start-up with its name. */
  constructor(opts: NliVerifierOptions) {
    const manifest = readNliManifest(opts.dir);
    this.id = `nli/${manifest.name ?? basename(opts.dir)}`;
    this.tuned = opts.tuned ?? null;
    this.#maxQueued = opts.maxQueued ?? 64;
    this.#worker = new NliWorker(opts.workerUrl ?? WORKER_URL, { dir: opts.dir, threads: opts.threads ?? 1 }, opts.stallMs ?? 30_000);
    this.#batcher = new MicroBatcher({
      windowMs: opts.batchWindowMs ?? 1,
      maxBatch: opts.maxBatch ?? 16,
      run: async (pairs) => Array.from(await this.#worker.run(pairs)),
    });
  }

  /** Constructs and loads the model, so start-up fails on a bad model rather than the first lookup. */
  static async load(opts: NliVerifierOptions): Promise<NliVerifier> {
    const verifier = new NliVerifier(opts);
    await verifier.#worker.start();
    return verifier;
  }

  async score(input: VerifierInput): Promise<number> {
    if (this.#queued >= this.#maxQueued) throw new Error(`NLI verifier: ${this.#queued} lookups already waiting`);
    this.#queued++;
    try {
      const [cachedToQuery, queryToCached] = await this.#batcher.submit([
        { premise: input.candidate, hypothesis: input.query },
        { premise: input.query, hypothesis: input.candidate },
      ]);
      return Math.min(cachedToQuery!, queryToCached!);
    } finally {
      this.#queued--;
    }
  }

  async close(): Promise<void> {
    await this.#worker.close();
  }
}
