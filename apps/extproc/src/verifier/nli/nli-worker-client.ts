import { Worker } from 'node:worker_threads';
import type { NliPair } from './nli-pipeline.ts';
import type { NliWorkerReply, NliWorkerRequest, NliWorkerSetup } from './nli-worker-protocol.ts';

interface Pending {
  readonly resolve: (v: Float32Array) => void;
  readonly reject: (err: unknown) => void;
  readonly watchdog: NodeJS.Timeout;
}

interface Live {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  exited: boolean;
}

/**
 * One worker thread that scores batches of pairs. A crash rejects what it was running (the verifier refuses:
 * `verifier-failed`) and the next batch starts a fresh worker; so does a batch that runs longer than `stallMs`,
 * whose worker is ended: a model stuck in a run would otherwise turn every later verdict into a timeout. The
 * thread holds the process open only while it loads or runs a batch.
 */
export class NliWorker {
  readonly #url: URL;
  readonly #setup: NliWorkerSetup;
  readonly #stallMs: number;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #live: Live | null = null;
  #closed = false;

  constructor(url: URL, setup: NliWorkerSetup, stallMs: number) {
    this.#url = url;
    this.#setup = setup;
    this.#stallMs = stallMs;
  }

  /** Starts the worker if none runs; resolves once the model is loaded. */
  start(): Promise<void> {
    this.#live ??= this.#spawn();
    return this.#live.ready;
  }

  async run(pairs: NliPair[]): Promise<Float32Array> {
    if (this.#closed) throw new Error('NLI verifier is closed');
    const live = (this.#live ??= this.#spawn());
    await live.ready;
    // A message to a thread that has exited would wait for ever.
    if (live.exited) throw new Error('NLI verifier: the worker stopped');
    const id = this.#nextId++;
    return new Promise<Float32Array>((resolve, reject) => {
      const watchdog = setTimeout(() => void live.worker.terminate(), this.#stallMs).unref();
      this.#pending.set(id, { resolve, reject, watchdog });
      live.worker.ref();
      live.worker.postMessage({ id, pairs } satisfies NliWorkerRequest);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const live = this.#live;
    this.#live = null;
    await live?.worker.terminate();
  }

  #spawn(): Live {
    const worker = new Worker(this.#url, { workerData: this.#setup });
    let started: () => void = () => {};
    let failed: (err: Error) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      started = resolve;
      failed = reject;
    });
    // A rejection nobody awaits yet (the worker crashed while idle) must not become an unhandled rejection.
    ready.catch(() => {});
    const live: Live = { worker, ready, exited: false };
    let lastError: Error | null = null;
    worker.on('message', (msg: NliWorkerReply) => {
      if (msg.type === 'ready') {
        if (this.#pending.size === 0) worker.unref();
        started();
      } else if (msg.type === 'load-failed') lastError = new Error(msg.message);
      else this.#settle(worker, msg);
    });
    worker.on('error', (err) => { lastError = err; });
    worker.on('exit', (code) => {
      live.exited = true;
      const why = lastError ?? new Error(`NLI worker exited with code ${code}`);
      failed(why);
      if (this.#live?.worker === worker) this.#live = null;
      const pending = [...this.#pending.values()];
      this.#pending.clear();
      for (const p of pending) {
        clearTimeout(p.watchdog);
        p.reject(why);
      }
    });
    return live;
  }

  #settle(worker: Worker, msg: Extract<NliWorkerReply, { id: number }>): void {
    const p = this.#pending.get(msg.id);
    this.#pending.delete(msg.id);
    if (this.#pending.size === 0) worker.unref();
    if (!p) return;
    clearTimeout(p.watchdog);
    if (msg.type === 'scores') p.resolve(msg.scores);
    else p.reject(new Error(`NLI verifier: ${msg.message}`));
  }
}
