import { Worker } from 'node:worker_threads';
import { EmbedderError } from './embedder.ts';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './onnx-worker-protocol.ts';

interface Pending {
  readonly resolve: (v: Float32Array[]) => void;
  readonly reject: (err: unknown) => void;
}

interface Live {
  readonly worker: Worker;
  readonly ready: Promise<number | undefined>;
  exited: boolean;
}

/**
 * One worker thread that embeds batches. A crash rejects what it was running as `unavailable` (a miss) and the
 * next batch starts a fresh worker; the thread holds the process open only while it loads or runs a batch.
 */
export class EmbedWorker {
  readonly #url: URL;
  readonly #setup: WorkerSetup;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #live: Live | null = null;
  #closed = false;

  constructor(url: URL, setup: WorkerSetup) {
    this.#url = url;
    this.#setup = setup;
  }

  /** Starts the worker if none runs; resolves with config.json's hidden_size once the model is loaded. */
  start(): Promise<number | undefined> {
    this.#live ??= this.#spawn();
    return this.#live.ready;
  }

  async run(texts: string[]): Promise<Float32Array[]> {
    if (this.#closed) throw new EmbedderError('unavailable', 'onnx-local embedder is closed');
    const live = (this.#live ??= this.#spawn());
    try {
      await live.ready;
    } catch (err) {
      throw new EmbedderError('unavailable', `onnx-local embedder: ${(err as Error).message}`, { cause: err });
    }
    // A message to a thread that has exited would wait for ever.
    if (live.exited) throw new EmbedderError('unavailable', 'onnx-local embedder: the embedding worker stopped');
    const { worker } = live;
    const id = this.#nextId++;
    return new Promise<Float32Array[]>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, texts } satisfies WorkerRequest);
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
    let started: (size: number | undefined) => void = () => {};
    let failed: (err: Error) => void = () => {};
    const ready = new Promise<number | undefined>((resolve, reject) => {
      started = resolve;
      failed = reject;
    });
    // A rejection nobody awaits yet (the worker crashed while idle) must not become an unhandled rejection.
    ready.catch(() => {});
    const live: Live = { worker, ready, exited: false };
    let lastError: Error | null = null;
    worker.on('message', (msg: WorkerReply) => {
      if (msg.type === 'ready') {
        if (this.#pending.size === 0) worker.unref();
        started(msg.hiddenSize);
      }
      else if (msg.type === 'load-failed') lastError = new Error(msg.message);
      else this.#settle(worker, msg);
    });
    worker.on('error', (err) => { lastError = err; });
    worker.on('exit', (code) => {
      live.exited = true;
      const why = lastError ?? new Error(`embedding worker exited with code ${code}`);
      failed(why);
      if (this.#live?.worker === worker) this.#live = null;
      const pending = [...this.#pending.values()];
      this.#pending.clear();
      for (const p of pending) p.reject(new EmbedderError('unavailable', `onnx-local embedder: ${why.message}`, { cause: why }));
    });
    return live;
  }

  #settle(worker: Worker, msg: Extract<WorkerReply, { id: number }>): void {
    const p = this.#pending.get(msg.id);
    this.#pending.delete(msg.id);
    if (this.#pending.size === 0) worker.unref();
    if (!p) return;
    if (msg.type === 'vectors') p.resolve(msg.vectors);
    else p.reject(new EmbedderError('bad-response', `onnx-local embedder: ${msg.message}`));
  }
}
