import usearch from 'usearch';
import type { Embedder } from '../../apps/extproc/src/embedders/embedder.ts';
import { checkFalseHit } from '../../apps/extproc/src/guard/false-hit-guard.ts';
import type { HardNegative, QualitySet } from './datasets.ts';

const { Index, MetricKind, ScalarKind } = usearch;

/** The best stored match for one query, and what the guard says about serving it. */
interface TopMatch {
  readonly similarity: number;
  /** Only meaningful for positives: the match is a labelled paraphrase of the query. */
  readonly correct: boolean;
  readonly guardAllows: boolean;
}

export interface HardOutcomes {
  readonly matches: readonly TopMatch[];
  readonly kinds: readonly string[];
}

export interface Outcomes {
  readonly positives: readonly TopMatch[];
  readonly easyNegatives: readonly TopMatch[];
  readonly hard: HardOutcomes;
  readonly embedMicrosPerPrompt: number;
  readonly guardMicrosPerPair: number;
}

export interface Metrics {
  readonly threshold: number;
  readonly recall: number;
  readonly precision: number;
  readonly f1: number;
  readonly easyFalseHitRate: number;
  readonly hardFalseHitRate: number;
}

class Timer {
  micros = 0;
  count = 0;
  time<T>(n: number, f: () => T): T {
    const t0 = performance.now();
    const r = f();
    const done = (): void => {
      this.micros += (performance.now() - t0) * 1000;
      this.count += n;
    };
    // An async embedder's time is spent after f returns: count it when the promise settles.
    if (r instanceof Promise) return r.finally(done) as T;
    done();
    return r;
  }
}

const newTimers = (): { embed: Timer; guard: Timer } => ({ embed: new Timer(), guard: new Timer() });

async function topMatches(
  embedder: Embedder,
  stored: readonly string[],
  storedClass: readonly number[] | null,
  queries: readonly { query: string; expected?: number }[],
  timers: { embed: Timer; guard: Timer },
): Promise<TopMatch[]> {
  const index = new Index(embedder.identity.dimensions, MetricKind.Cos, ScalarKind.F32);
  const t0 = performance.now();
  const storedVectors = await embedder.embed(stored);
  const queryVectors = await embedder.embed(queries.map((q) => q.query));
  timers.embed.micros += (performance.now() - t0) * 1000;
  timers.embed.count += stored.length + queries.length;
  storedVectors.forEach((v, i) => index.add(BigInt(i), v));
  return queries.map((q, i) => {
    const m = index.search(queryVectors[i]!, 1, 1);
    const key = m.keys[0];
    const distance = m.distances[0];
    if (key === undefined || distance === undefined || Number.isNaN(distance)) {
      return { similarity: 0, correct: false, guardAllows: true };
    }
    const match = Number(key);
    const reason = timers.guard.time(1, () => checkFalseHit(q.query, stored[match]!));
    return { similarity: 1 - distance, correct: storedClass !== null && storedClass[match] === q.expected, guardAllows: reason === null };
  });
}

export async function measureHard(embedder: Embedder, hard: readonly HardNegative[], timers = newTimers()): Promise<HardOutcomes> {
  const stored = [...new Set(hard.map((h) => h.stored))];
  const matches = await topMatches(embedder, stored, null, hard.map((h) => ({ query: h.query })), timers);
  return { matches, kinds: hard.map((h) => h.kind) };
}

export async function measure(embedder: Embedder, set: QualitySet, hardSet: readonly HardNegative[]): Promise<Outcomes> {
  const timers = newTimers();
  const positives = await topMatches(embedder, set.stored, set.storedClass, set.positives, timers);
  const easyNegatives = await topMatches(embedder, set.stored, null, set.easyNegatives.map((query) => ({ query })), timers);
  const hard = await measureHard(embedder, hardSet, timers);
  return {
    positives,
    easyNegatives,
    hard,
    embedMicrosPerPrompt: timers.embed.micros / timers.embed.count,
    guardMicrosPerPair: timers.guard.micros / timers.guard.count,
  };
}

export function metricsAt(o: Outcomes, threshold: number, guard: boolean): Metrics {
  const hits = (m: TopMatch): boolean => m.similarity >= threshold && (!guard || m.guardAllows);
  const correct = o.positives.filter((m) => hits(m) && m.correct).length;
  const wrong = o.positives.filter((m) => hits(m) && !m.correct).length;
  const easy = o.easyNegatives.filter(hits).length;
  const recall = correct / o.positives.length;
  const answered = correct + wrong + easy;
  const precision = answered === 0 ? 1 : correct / answered;
  return {
    threshold,
    recall,
    precision,
    f1: recall + precision === 0 ? 0 : (2 * recall * precision) / (recall + precision),
    easyFalseHitRate: easy / o.easyNegatives.length,
    hardFalseHitRate: hardFalseHitRate(o.hard, threshold, guard),
  };
}

export const hardFalseHitRate = (h: HardOutcomes, threshold: number, guard: boolean): number =>
  h.matches.filter((m) => m.similarity >= threshold && (!guard || m.guardAllows)).length / h.matches.length;

/** Hard negatives that still hit at `threshold`, per kind: where the guard leaks. */
export function hardLeaksByKind(h: HardOutcomes, threshold: number, guard: boolean): Map<string, { leaked: number; total: number }> {
  const out = new Map<string, { leaked: number; total: number }>();
  h.matches.forEach((m, i) => {
    const kind = h.kinds[i]!;
    const entry = out.get(kind) ?? { leaked: 0, total: 0 };
    entry.total++;
    if (m.similarity >= threshold && (!guard || m.guardAllows)) entry.leaked++;
    out.set(kind, entry);
  });
  return out;
}
