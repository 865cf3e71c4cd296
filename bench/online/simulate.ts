import type { NamespaceSettings, Observation } from '@semcache/shared';
import { OnlinePolicy, onlineFloor, withObservation } from '../../apps/extproc/src/online/online-policy.ts';
import type { StreamRequest } from './labelled-stream.ts';

export type SimPolicy =
  | { kind: 'static'; threshold: number }
  | { kind: 'online'; threshold: number; settings: NamespaceSettings; policy: OnlinePolicy };

export interface SimPoint {
  /** Requests so far. */
  requests: number;
  hitRate: number;
  /** Share of the answers served from the cache that were wrong. */
  errorRate: number;
}

export interface SimResult {
  requests: number;
  hits: number;
  wrong: number;
  /** Would-be hits (at or above the static threshold) sent to the model to check (online only). */
  explored: number;
  hitRate: number;
  errorRate: number;
  series: SimPoint[];
}

/**
 * One namespace meeting the stream as the engine does: the false-hit guard, then the policy's decision on the
 * cached entry. An exploration records its finding on the entry (the label says whether the model's answer
 * was the cached one), as `CacheEngine.check` does.
 */
export function simulate(stream: readonly StreamRequest[], p: SimPolicy, points = 20): SimResult {
  const observations = new Map<string, Observation[]>();
  let hits = 0, wrong = 0, explored = 0;
  const series: SimPoint[] = [];
  const every = Math.max(1, Math.floor(stream.length / points));
  const floor = p.kind === 'online' ? onlineFloor(p.settings, p.threshold, p.policy.params) : p.threshold;
  const serve = (r: StreamRequest): void => {
    hits++;
    if (!r.same) wrong++;
  };
  stream.forEach((r, i) => {
    if (p.kind === 'online') p.policy.lookedUp('sim', p.settings);
    if (!r.guardAllows || r.similarity < floor) {
      // a miss
    } else if (p.kind === 'static') {
      if (r.similarity >= p.threshold) serve(r);
    } else {
      const seen = observations.get(r.cached) ?? [];
      const d = p.policy.decide('sim', p.settings, p.threshold, { observations: seen, similarity: r.similarity }, true);
      if (d.action === 'serve') {
        serve(r);
      } else {
        if (d.action === 'explore' && d.costsHit) explored++;
        observations.set(r.cached, withObservation(seen, { similarity: r.similarity, correct: r.same, time: i }));
        p.policy.observed('sim', r.similarity, r.same);
      }
    }
    if ((i + 1) % every === 0 || i === stream.length - 1) {
      series.push({ requests: i + 1, hitRate: hits / (i + 1), errorRate: hits === 0 ? 0 : wrong / hits });
    }
  });
  return { requests: stream.length, hits, wrong, explored, hitRate: hits / stream.length, errorRate: hits === 0 ? 0 : wrong / hits, series };
}
