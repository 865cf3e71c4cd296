export interface MicroBatcherOptions<I, O> {
  /** How long the first waiting item waits for company when nothing is running. */
  readonly windowMs: number;
  /**
   * Wait the window only when the last run was shared by several calls: under load the window gathers company,
   * while one caller at a time (nobody to gather) would only pay it in latency.
   */
  readonly adaptive?: boolean;
  readonly maxBatch: number;
  /** Runs one batch; returns one output per input, in order. */
  readonly run: (items: I[]) => Promise<O[]>;
}

interface Waiting<I, O> {
  readonly items: I[];
  readonly resolve: (out: O[]) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Gathers concurrent calls into one run: one run at a time (two ONNX runs on two cores only slow each other),
 * and what arrives during a run goes in the next one at once. A call's items are never split across runs.
 */
export class MicroBatcher<I, O> {
  readonly #opts: MicroBatcherOptions<I, O>;
  #queue: Waiting<I, O>[] = [];
  #queued = 0;
  #running = false;
  #lastShared = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(opts: MicroBatcherOptions<I, O>) {
    if (opts.maxBatch < 1) throw new Error('maxBatch must be at least 1');
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
    if (this.#running || this.#queue.length === 0) return;
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
    if (this.#running || this.#queue.length === 0) return;
    const batch: Waiting<I, O>[] = [];
    let size = 0;
    while (this.#queue.length > 0 && (batch.length === 0 || size + this.#queue[0]!.items.length <= this.#opts.maxBatch)) {
      const w = this.#queue.shift()!;
      batch.push(w);
      size += w.items.length;
    }
    this.#queued -= size;
    this.#running = true;
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
      this.#running = false;
      // Whatever queued during the run has already waited: it goes now, without a new window.
      if (this.#queue.length > 0) this.#flush();
    });
  }
}
