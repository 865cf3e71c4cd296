import type { NamespaceSettings, Observation, OnlineStats } from '@semcache/shared';
import { DEFAULT_BOUNDARY_PARAMS, learnBoundary, type Boundary, type BoundaryParams } from './boundary.ts';
import { PooledBoundary } from './pooled-boundary.ts';

/** Kept per entry, most recent last: enough to place a boundary, bounded so an entry stays small. */
export const MAX_OBSERVATIONS = 32;
/** Explorations the cap lets through at once before the rate applies. */
const CAP_BURST = 5;

/**
 * - `serve`: the candidate answers.
 * - `explore`: the request goes to the model and its answer is compared with the candidate's (`costsHit`: the
 *   static threshold would have served it, so the check costs a hit).
 * - `refuse`: a request that may not be explored, at a similarity where the entry was seen wrong: a miss.
 * - `static`: online verification does not apply; the static threshold decides.
 */
export type OnlineDecision =
  | { action: 'serve'; estimatedError: number }
  | { action: 'explore'; costsHit: boolean }
  | { action: 'refuse' }
  | { action: 'static' };

export interface OnlineCandidate {
  observations: readonly Observation[];
  similarity: number;
}

interface NamespaceState {
  /** Explorations the cap still allows: a token bucket filled by maxExploreRate per would-be hit. */
  allowance: number;
  decisions: number;
  served: number;
  wouldBeHits: number;
  explored: number;
  refused: number;
  capped: number;
  observations: number;
  observedWrong: number;
  estimatedErrorSum: number;
  pooled: PooledBoundary;
}

/** Whether online verification decides in this namespace (operator's switch plus an error bound). */
export const onlineOn = (s: NamespaceSettings): boolean => s.online === true && s.errorBound !== undefined;

/** The lowest similarity a candidate may have and still be considered by the online policy. */
export function onlineFloor(settings: NamespaceSettings, threshold: number, params: BoundaryParams = DEFAULT_BOUNDARY_PARAMS): number {
  return onlineOn(settings) ? threshold - params.floorMargin : threshold;
}

/**
 * vCache's decision, per entry and similarity: serve where the learned boundary is confidently below the
 * similarity, and even there explore with the probability that it is not (at least the audit rate), which
 * shrinks as observations accumulate; explore everywhere else. Exploring a would-be hit costs a model call, so
 * the namespace's cap bounds those explorations (once the namespace has learned a boundary); past it, the
 * boundary's point estimate decides alone.
 */
export class OnlinePolicy {
  readonly params: BoundaryParams;
  readonly #random: () => number;
  readonly #state = new Map<string, NamespaceState>();
  /** Learned boundaries, recomputed when an entry's observations or the namespace's threshold or bound change. */
  readonly #boundaries = new WeakMap<readonly Observation[], { key: string; boundary: Boundary }>();

  constructor(opts: { random?: () => number; params?: BoundaryParams } = {}) {
    this.#random = opts.random ?? Math.random;
    this.params = opts.params ?? DEFAULT_BOUNDARY_PARAMS;
  }

  /** An entry's boundary in a namespace: its own observations around what the namespace learned. */
  boundary(namespace: string, observations: readonly Observation[], settings: NamespaceSettings, threshold: number): Boundary {
    const errorBound = settings.errorBound ?? 0.02;
    const center = this.namespaceBoundary(namespace, settings, threshold);
    const key = `${observations.length}:${center}:${errorBound}`;
    const known = this.#boundaries.get(observations);
    if (known?.key === key) return known.boundary;
    const boundary = learnBoundary(observations, center, errorBound, this.params);
    this.#boundaries.set(observations, { key, boundary });
    return boundary;
  }

  /** Where the namespace's checks say serving keeps the error under δ: the prior of every entry's boundary. */
  namespaceBoundary(namespace: string, settings: NamespaceSettings, threshold: number): number {
    return this.#stateOf(namespace).pooled.boundary(threshold, settings.errorBound ?? 0.02, threshold - this.params.floorMargin);
  }

  /**
   * `storable`: the model's answer would be kept. A request whose answer is not stored (no-store, a refused
   * refresh) is never explored: its check could not replace a wrong entry, and the client asked for no part in it.
   */
  decide(namespace: string, settings: NamespaceSettings, threshold: number, c: OnlineCandidate, storable: boolean): OnlineDecision {
    if (!onlineOn(settings)) return { action: 'static' };
    if (!storable) return c.similarity <= maxWrong(c.observations) ? { action: 'refuse' } : { action: 'static' };
    const st = this.#stateOf(namespace);
    st.decisions++;
    st.pooled.decided(c.similarity);
    const b = this.boundary(namespace, c.observations, settings, threshold);
    const s = c.similarity;
    const wouldBeHit = s >= threshold;
    if (wouldBeHit) {
      st.wouldBeHits++;
      st.allowance = Math.min(CAP_BURST, st.allowance + (settings.maxExploreRate ?? 0));
    }
    const contradicted = s <= b.wrongUpTo;
    const unsafe = b.unsafeAt(s);
    const learning = st.pooled.learning(threshold);
    // While the namespace learns, only an entry's own confirmations make it confident: the threshold is a guess.
    const confident = !contradicted && unsafe <= 1 - this.params.confidence && (!learning || c.observations.some((o) => o.correct && o.similarity <= s));
    if (confident && this.#random() >= Math.max(unsafe, this.params.auditRate)) return this.#serve(st, b, s);
    if (!wouldBeHit) return { action: 'explore', costsHit: false };
    // A check the point estimate itself asks for (the boundary is above s) is the policy refusing, not exploring.
    const pointServes = !contradicted && b.mean <= s;
    // Until the namespace has a boundary of its own, every would-be hit is checked: a one-off cost of MIN_POOLED
    // model calls, without which the cap would leave the threshold to serve most requests unchecked.
    if (!pointServes || learning) {
      st.refused++;
      return { action: 'explore', costsHit: true };
    }
    if (st.allowance < 1) {
      st.capped++;
      return this.#serve(st, b, s);
    }
    st.allowance--;
    st.explored++;
    return { action: 'explore', costsHit: true };
  }

  /** Counts a request of an online namespace that was looked up (not bypassed): the base of the error bound. */
  lookedUp(namespace: string, settings: NamespaceSettings): void {
    if (onlineOn(settings)) this.#stateOf(namespace).pooled.lookedUp();
  }

  /** Counts the outcome of a check: the namespace's observed error rate and the boundary its entries start from. */
  observed(namespace: string, similarity: number, correct: boolean): void {
    const st = this.#stateOf(namespace);
    st.observations++;
    if (!correct) st.observedWrong++;
    st.pooled.add(similarity, correct);
  }

  /**
   * Findings made elsewhere (another replica, or before a restart) join what the namespace has learned, each as
   * the decision it was: a restarted or new replica needs no second learning phase.
   */
  learnFrom(namespace: string, observations: readonly Observation[]): void {
    const { pooled } = this.#stateOf(namespace);
    for (const o of observations) {
      pooled.decided(o.similarity);
      pooled.add(o.similarity, o.correct);
    }
  }

  /** The namespace is deleted: what it learned and counted goes too, so one made again under its name starts fresh. */
  forget(namespace: string): void {
    this.#state.delete(namespace);
  }

  /**
   * The namespace's entries are flushed (plainly or by a new epoch), and their findings with them: findings live
   * on entries, so a restarted or joining replica learns only from the entries it loads, and keeping them here
   * would have this replica serve where those check every would-be hit. Its counters stay, as the namespace's do.
   */
  relearn(namespace: string): void {
    const st = this.#state.get(namespace);
    if (!st) return;
    st.pooled = new PooledBoundary();
    st.allowance = CAP_BURST;
  }

  /** Whether the namespace still checks every would-be hit, for want of findings. */
  learning(namespace: string, threshold: number): boolean {
    return this.#stateOf(namespace).pooled.learning(threshold);
  }

  stats(namespace: string): OnlineStats {
    return this.#statsOf(this.#stateOf(namespace));
  }

  /** The namespaces that have made an online decision or received a finding, with their figures. */
  *tracked(): Iterable<[string, OnlineStats]> {
    for (const [namespace, st] of this.#state) yield [namespace, this.#statsOf(st)];
  }

  #statsOf(st: NamespaceState): OnlineStats {
    return {
      decisions: st.decisions,
      served: st.served,
      explored: st.explored,
      exploredShare: st.wouldBeHits === 0 ? 0 : st.explored / st.wouldBeHits,
      refused: st.refused,
      capped: st.capped,
      observations: st.observations,
      observedWrong: st.observedWrong,
      observedErrorRate: st.observations === 0 ? 0 : st.observedWrong / st.observations,
      estimatedErrorRate: st.served === 0 ? 0 : st.estimatedErrorSum / st.served,
    };
  }

  #serve(st: NamespaceState, b: Boundary, s: number): OnlineDecision {
    const estimatedError = b.errorAt(s);
    st.served++;
    st.estimatedErrorSum += estimatedError;
    return { action: 'serve', estimatedError };
  }

  #stateOf(namespace: string): NamespaceState {
    let st = this.#state.get(namespace);
    if (!st) {
      st = {
        allowance: CAP_BURST, decisions: 0, served: 0, wouldBeHits: 0, explored: 0, refused: 0, capped: 0, observations: 0, observedWrong: 0,
        estimatedErrorSum: 0, pooled: new PooledBoundary(),
      };
      this.#state.set(namespace, st);
    }
    return st;
  }
}

/**
 * The entry's observations with a new one, in a new array so that cached boundaries renew. Past the bound the
 * oldest correct one goes: a wrong answer, once seen, must keep the entry from serving at that similarity.
 */
export function withObservation(observations: readonly Observation[] | undefined, o: Observation): Observation[] {
  const all = [...(observations ?? []), o];
  if (all.length <= MAX_OBSERVATIONS) return all;
  const drop = all.findIndex((x) => x.correct);
  all.splice(drop === -1 ? 0 : drop, 1);
  return all;
}

function maxWrong(observations: readonly Observation[]): number {
  let m = -Infinity;
  for (const o of observations) if (!o.correct) m = Math.max(m, o.similarity);
  return m;
}

/** A seeded uniform source in [0, 1) (mulberry32): explore decisions that a test or benchmark can replay. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const observationId = (o: Observation): string => `${o.time}:${o.similarity}:${o.correct}`;

/** The findings in `incoming` that `known` does not hold. */
export function newObservations(known: readonly Observation[] | undefined, incoming: readonly Observation[] | undefined): Observation[] {
  const ids = new Set((known ?? []).map(observationId));
  return (incoming ?? []).filter((o) => !ids.has(observationId(o)));
}

/** Both replicas' findings on one entry, each once, oldest first, within the bound. */
export function mergeObservations(a: readonly Observation[], b: readonly Observation[] | undefined): Observation[] {
  const seen = new Set<string>();
  let merged: Observation[] = [];
  for (const o of [...a, ...(b ?? [])].sort((x, y) => x.time - y.time)) {
    const id = observationId(o);
    if (seen.has(id)) continue;
    seen.add(id);
    merged = withObservation(merged, o);
  }
  return merged;
}
