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
  /** Requests posted and not yet answered, whether or not their callers still wait. */
  readonly pending: Map<number, Pending<R> | null>;
  exited: boolean;
  /** Its model has loaded, or failed to: no native load runs in it any more. */
  loaded: boolean;
  /** No more requests go to it; it is ended once nothing runs in it (see #retire). */
  retired: boolean;
  /** Resolves once the thread has exited. */
  readonly gone: Promise<void>;
}

export interface ModelWorkerOptions {
  /** How errors name the thread: "<name> exited with code 3". */
  readonly name: string;
  /** A request running longer is refused and the next request goes to a fresh worker (the model is stuck in a run); none if unset. */
  readonly stallMs?: number;
  /** How long close() lets requests in flight finish before it ends the thread anyway (default 5 s). */
  readonly closeGraceMs?: number;
}

/** A stalled thread is ended at the latest this many stall periods later, if its run never returns. */
const STALLED_GRACE_PERIODS = 10;

/**
 * One worker thread that loads a model and runs requests on it. A crash rejects what it was running with the
 * thread's error and the next request starts a fresh worker; the thread holds the process open only while it
 * loads or runs a request. Replies, failed ones included, are the caller's to read.
 *
 * A thread is never ended while a native run may be in it if that can be helped: ending a worker in the middle
 * of an onnxruntime run aborts the whole process ("terminate called after throwing an instance of
 * 'Napi::Error'"), which would take the cache, and so the requests Envoy sends through it, down. So close() and
 * the stall watchdog retire a worker (no more requests, its callers answered) and end it once it is idle, or after
 * a grace period for a thread that never answers again.
 */
export class ModelWorker<Request extends { readonly id: number }, Reply extends ModelWorkerReply> {
  readonly #url: URL;
  readonly #setup: unknown;
  readonly #opts: ModelWorkerOptions;
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
    if (live.exited || live.retired) throw new WorkerStoppedError(`the ${this.#opts.name} stopped`);
    const id = this.#nextId++;
    return new Promise<Answer<Reply>>((resolve, reject) => {
      const { stallMs } = this.#opts;
      const watchdog = stallMs === undefined ? undefined : setTimeout(() => this.#stalled(live, stallMs), stallMs).unref();
      live.pending.set(id, { resolve, reject, watchdog });
      live.worker.ref();
      live.worker.postMessage({ ...body, id });
    });
  }

  /** Lets what runs finish (up to closeGraceMs), then ends the thread. */
  async close(): Promise<void> {
    this.#closed = true;
    const live = this.#live;
    this.#live = null;
    if (live) await this.#retire(live, this.#opts.closeGraceMs ?? 5_000, { holdProcess: true });
  }

  /** The stuck request and those queued behind it are refused now; the next request gets a fresh worker. */
  #stalled(live: Live<Reply>, stallMs: number): void {
    if (this.#live === live) this.#live = null;
    const why = new Error(`${this.#opts.name}: a request ran longer than ${stallMs} ms`);
    for (const [id, p] of live.pending) {
      if (!p) continue;
      clearTimeout(p.watchdog);
      p.reject(why);
      live.pending.set(id, null);
    }
    void this.#retire(live, stallMs * STALLED_GRACE_PERIODS, { holdProcess: false });
  }

  /**
   * Ends the thread once nothing runs in it, or after graceMs whatever it is doing. close() holds the process
   * open for the grace period (a shutdown waits for it); a stalled thread's does not.
   */
  #retire(live: Live<Reply>, graceMs: number, opts: { holdProcess: boolean }): Promise<void> {
    live.retired = true;
    live.worker.unref();
    if (live.loaded && live.pending.size === 0) void live.worker.terminate();
    else {
      const timer = setTimeout(() => void live.worker.terminate(), graceMs);
      if (!opts.holdProcess) timer.unref();
      void live.gone.then(() => clearTimeout(timer));
    }
    return live.gone;
  }

  #endIfIdle(live: Live<Reply>): void {
    if (live.pending.size > 0) return;
    live.worker.unref();
    if (live.retired) void live.worker.terminate();
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
    let exited: () => void = () => {};
    const gone = new Promise<void>((resolve) => { exited = resolve; });
    const live: Live<Reply> = { worker, ready, pending: new Map(), exited: false, loaded: false, retired: false, gone };
    let lastError: Error | null = null;
    worker.on('message', (msg: ModelWorkerReply) => {
      if (msg.type === 'ready') {
        live.loaded = true;
        this.#endIfIdle(live);
        started(msg as Ready<Reply>);
      } else if (msg.type === 'load-failed' && 'message' in msg) {
        live.loaded = true;
        lastError = new Error(msg.message);
      }
      else if ('id' in msg) this.#settle(live, msg as Answer<Reply>);
    });
    worker.on('error', (err) => { lastError = err; });
    worker.on('exit', (code) => {
      live.exited = true;
      const why = lastError ?? new Error(`${this.#opts.name} exited with code ${code}`);
      failed(why);
      if (this.#live === live) this.#live = null;
      for (const p of live.pending.values()) {
        if (!p) continue;
        clearTimeout(p.watchdog);
        p.reject(why);
      }
      live.pending.clear();
      exited();
    });
    return live;
  }

  #settle(live: Live<Reply>, msg: Answer<Reply>): void {
    const p = live.pending.get(msg.id);
    live.pending.delete(msg.id);
    this.#endIfIdle(live);
    if (!p) return;
    clearTimeout(p.watchdog);
    p.resolve(msg);
  }
}
