export interface MicroBatcherOptions<I, O> {
  /** How long the first waiting item waits for company when a run is free. */
  readonly windowMs: number;
  /**
   * Wait the window only when the last run was shared by several calls: under load the window gathers company,
   * while one caller at a time (nobody to gather) would only pay it in latency.
   */
  readonly adaptive?: boolean;
  readonly maxBatch: number;
  /** Runs at a time (one per embedding worker); default 1. */
  readonly maxRunning?: number;
  /** Runs one batch; returns one output per input, in order. */
  readonly run: (items: I[]) => Promise<O[]>;
}

interface Waiting<I, O> {
  readonly items: I[];
  readonly resolve: (out: O[]) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Gathers concurrent calls into one run: at most `maxRunning` runs at a time, and what arrives while none is free
 * goes in the next one at once. A call's items are never split across runs.
 */
export class MicroBatcher<I, O> {
  readonly #opts: MicroBatcherOptions<I, O>;
  #queue: Waiting<I, O>[] = [];
  #queued = 0;
  #running = 0;
  #lastShared = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(opts: MicroBatcherOptions<I, O>) {
    if (opts.maxBatch < 1) throw new Error('maxBatch must be at least 1');
    if ((opts.maxRunning ?? 1) < 1) throw new Error('maxRunning must be at least 1');
    this.#opts = opts;
  }

  submit(items: I[]): Promise<O[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<O[]>((resolve, reject) => {
      this.#queue.push({ items, resolve, reject });
      this.#queued += items.length;
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#busy() || this.#queue.length === 0) return;
    const alone = this.#opts.adaptive === true && !this.#lastShared;
    if (this.#queued >= this.#opts.maxBatch || this.#opts.windowMs <= 0 || alone) {
      this.#flush();
    } else {
      this.#timer ??= setTimeout(() => this.#flush(), this.#opts.windowMs);
    }
  }

  #flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#busy() || this.#queue.length === 0) return;
    const batch: Waiting<I, O>[] = [];
    let size = 0;
    while (this.#queue.length > 0 && (batch.length === 0 || size + this.#queue[0]!.items.length <= this.#opts.maxBatch)) {
      const w = this.#queue.shift()!;
      batch.push(w);
      size += w.items.length;
    }
    this.#queued -= size;
    this.#running++;
    this.#lastShared = batch.length > 1;
    this.#opts.run(batch.flatMap((w) => w.items)).then(
      (out) => {
        if (out.length !== size) throw new Error(`batch of ${size} returned ${out.length} results`);
        let at = 0;
        for (const w of batch) {
          w.resolve(out.slice(at, at + w.items.length));
          at += w.items.length;
        }
      },
    ).catch((err: unknown) => {
      for (const w of batch) w.reject(err);
    }).finally(() => {
      this.#running--;
      // Whatever queued during the run has already waited: it goes now, without a new window.
      if (this.#queue.length > 0) this.#flush();
    });
    // More than one batch waited for a free run (a call larger than what was left of this one): the next goes too.
    if (this.#queue.length > 0) this.#flush();
  }

  #busy(): boolean {
    return this.#running >= (this.#opts.maxRunning ?? 1);
  }
}
