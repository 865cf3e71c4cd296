/** How one request takes part in a flight: it leads (and must call `done`), or it waits for the leader. */
export type Joined =
  | { role: 'leader'; done: () => void }
  /** Resolves true when the leader finished within the wait limit, false when the wait timed out. */
  | { role: 'waiter'; settled: Promise<boolean> };

export interface SingleflightOptions {
  /** A leader that never calls `done` (a bug, a lost stream) releases its key after this long. */
  maxLeaderMs: number;
}

interface Flight {
  settled: Promise<void>;
  finish: () => void;
}

/**
 * One leader per key at a time; others wait for it, each for at most its own wait limit. It knows nothing of
 * what the leader produces: the waiters look the answer up where the leader put it.
 */
export class Singleflight {
  readonly #flights = new Map<string, Flight>();
  readonly #maxLeaderMs: number;
  #waiting = 0;

  constructor(opts: SingleflightOptions) {
    this.#maxLeaderMs = opts.maxLeaderMs;
  }

  /** Flights in progress. */
  get size(): number {
    return this.#flights.size;
  }

  /** Callers waiting for a leader now. */
  get waiting(): number {
    return this.#waiting;
  }

  join(key: string, waitMs: number): Joined {
    const flight = this.#flights.get(key);
    if (flight) {
      this.#waiting++;
      return { role: 'waiter', settled: waitFor(flight.settled, waitMs).finally(() => this.#waiting--) };
    }
    let resolve = (): void => {};
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    const safety = setTimeout(() => finish(), this.#maxLeaderMs);
    safety.unref();
    const finish = (): void => {
      clearTimeout(safety);
      if (this.#flights.get(key) === created) this.#flights.delete(key);
      resolve();
    };
    const created: Flight = { settled: promise, finish };
    this.#flights.set(key, created);
    return { role: 'leader', done: finish };
  }
}

function waitFor(settled: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([settled.then(() => true), timeout]).finally(() => clearTimeout(timer));
}
