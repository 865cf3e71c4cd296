import { Worker } from 'node:worker_threads';

/**
 * What a model worker sends: `ready` or `load-failed` once, then one reply per request, matched by its id.
 * `ready` may carry what the loaded model told the worker.
 */
export type ModelWorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'load-failed'; readonly message: string }
  | { readonly type: string; readonly id: number };

type Ready<R> = Extract<R, { readonly type: 'ready' }>;
type Answer<R> = Extract<R, { readonly id: number }>;

/** A request to a worker that had already exited when its model loaded, or stopped while idle. */
export class WorkerStoppedError extends Error {}

interface Pending<R> {
  readonly resolve: (reply: Answer<R>) => void;
  readonly reject: (err: unknown) => void;
  readonly watchdog: NodeJS.Timeout | undefined;
}

interface Live<R> {
  readonly worker: Worker;
  readonly ready: Promise<Ready<R>>;
  exited: boolean;
}

export interface ModelWorkerOptions {
  /** How errors name the thread: "<name> exited with code 3". */
  readonly name: string;
  /** A request running longer ends its worker (the model is stuck in a run); none if unset. */
  readonly stallMs?: number;
}

/**
 * One worker thread that loads a model and runs requests on it. A crash rejects what it was running with the
 * thread's error and the next request starts a fresh worker; the thread holds the process open only while it
 * loads or runs a request. Replies, failed ones included, are the caller's to read.
 */
export class ModelWorker<Request extends { readonly id: number }, Reply extends ModelWorkerReply> {
  readonly #url: URL;
  readonly #setup: unknown;
  readonly #opts: ModelWorkerOptions;
  readonly #pending = new Map<number, Pending<Reply>>();
  #nextId = 0;
  #live: Live<Reply> | null = null;
  #closed = false;

  constructor(url: URL, setup: unknown, opts: ModelWorkerOptions) {
    this.#url = url;
    this.#setup = setup;
    this.#opts = opts;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Starts the worker if none runs; resolves with its `ready` message once the model is loaded. */
  start(): Promise<Ready<Reply>> {
    this.#live ??= this.#spawn();
    return this.#live.ready;
  }

  /** Rejects with the reason the worker stopped, or could not load its model. */
  async request(body: Omit<Request, 'id'>): Promise<Answer<Reply>> {
    const live = (this.#live ??= this.#spawn());
    await live.ready;
    // A message to a thread that has exited would wait for ever.
    if (live.exited) throw new WorkerStoppedError(`the ${this.#opts.name} stopped`);
    const id = this.#nextId++;
    return new Promise<Answer<Reply>>((resolve, reject) => {
      const { stallMs } = this.#opts;
      const watchdog = stallMs === undefined ? undefined : setTimeout(() => void live.worker.terminate(), stallMs).unref();
      this.#pending.set(id, { resolve, reject, watchdog });
      live.worker.ref();
      live.worker.postMessage({ ...body, id });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const live = this.#live;
    this.#live = null;
    await live?.worker.terminate();
  }

  #spawn(): Live<Reply> {
    const worker = new Worker(this.#url, { workerData: this.#setup });
    let started: (msg: Ready<Reply>) => void = () => {};
    let failed: (err: Error) => void = () => {};
    const ready = new Promise<Ready<Reply>>((resolve, reject) => {
      started = resolve;
      failed = reject;
    });
    // A rejection nobody awaits yet (the worker crashed while idle) must not become an unhandled rejection.
    ready.catch(() => {});
    const live: Live<Reply> = { worker, ready, exited: false };
    let lastError: Error | null = null;
    worker.on('message', (msg: ModelWorkerReply) => {
      if (msg.type === 'ready') {
        if (this.#pending.size === 0) worker.unref();
        started(msg as Ready<Reply>);
      } else if (msg.type === 'load-failed' && 'message' in msg) lastError = new Error(msg.message);
      else if ('id' in msg) this.#settle(worker, msg as Answer<Reply>);
    });
    worker.on('error', (err) => { lastError = err; });
    worker.on('exit', (code) => {
      live.exited = true;
      const why = lastError ?? new Error(`${this.#opts.name} exited with code ${code}`);
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

  #settle(worker: Worker, msg: Answer<Reply>): void {
    const p = this.#pending.get(msg.id);
    this.#pending.delete(msg.id);
    if (this.#pending.size === 0) worker.unref();
    if (!p) return;
    clearTimeout(p.watchdog);
    p.resolve(msg);
  }
}
