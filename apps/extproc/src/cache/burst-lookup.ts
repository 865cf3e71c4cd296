import type { CacheEngine, LookupRequest, LookupResult } from './cache-engine.ts';
import { exactKeyOf } from './normalize.ts';
import { partitionName } from './partition.ts';
import { Singleflight } from './singleflight.ts';

/** How a request that waited for another's model call ended. */
export type WaitOutcome = 'answered' | 'not-stored' | 'timeout';

export interface BurstLookupOptions {
  /** How long a request waits for an identical one's answer; 0 turns waiting off. */
  waitMs: number;
  onWait?: (outcome: WaitOutcome) => void;
}

export interface BurstLookupResult {
  result: LookupResult;
  /** The leader calls this once its answer is stored or known not to be: the waiters then look again. */
  release: () => void;
}

const noop = (): void => {};

/** A leader slower than any model answer is lost, not slow: waiting for it is pointless after this. */
const MAX_LEADER_MS = 10 * 60_000;

/**
 * One model call per burst: concurrent identical requests (same namespace, fingerprint and normalised prompt)
 * wait for the first one's answer instead of all going to the model. A waiter looks up again once the leader
 * is done, so its hit is an ordinary exact hit with its own event and counters; if the leader stored nothing
 * or took longer than the wait limit, the waiter's own lookup misses and it goes on to the model.
 */
export class BurstLookup {
  readonly #engine: Pick<CacheEngine, 'lookup'>;
  readonly #opts: BurstLookupOptions;
  readonly #flights = new Singleflight({ maxLeaderMs: MAX_LEADER_MS });

  constructor(engine: Pick<CacheEngine, 'lookup'>, opts: BurstLookupOptions) {
    this.#engine = engine;
    this.#opts = opts;
  }

  /** Flights in progress. */
  get inFlight(): number {
    return this.#flights.size;
  }

  /** Requests waiting for another's answer now. */
  get waiting(): number {
    return this.#flights.waiting;
  }

  async lookup(req: LookupRequest): Promise<BurstLookupResult> {
    if (this.#opts.waitMs <= 0 || !wantsCachedAnswer(req)) return { result: await this.#engine.lookup(req), release: noop };
    const joined = this.#flights.join(`${partitionName(req.partition)}\0${exactKeyOf(req.fingerprint, req.prompt)}`, this.#opts.waitMs);
    if (joined.role === 'waiter') {
      const inTime = await joined.settled;
      const result = await this.#engine.lookup(req);
      this.#opts.onWait?.(result.kind === 'hit' ? 'answered' : inTime ? 'not-stored' : 'timeout');
      return { result, release: noop };
    }
    let result: LookupResult;
    try {
      result = await this.#engine.lookup(req);
    } catch (err) {
      joined.done();
      throw err;
    }
    if (result.kind === 'hit' || !result.pending) {
      joined.done();
      return { result, release: noop };
    }
    return { result, release: joined.done };
  }
}

/** Requests that skip the lookup want the model's answer, not another request's. */
function wantsCachedAnswer(req: LookupRequest): boolean {
  return req.mode !== 'bypass' && req.mode !== 'refresh' && req.freshness?.noCache !== true;
}
