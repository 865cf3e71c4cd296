import type { HistogramBin, LookupEvent } from '@semcache/shared';

export interface HistogramOptions {
  bins: number;
  from: number;
  to: number;
}

const COUNTED = new Set(['exact', 'semantic', 'miss', 'guarded']);

/**
 * Best-candidate similarities of lookups, binned over [from, to] and split by outcome. Lookups without a
 * candidate (empty namespace, bypass, error) have no similarity and are left out; similarities outside the
 * range fall into the edge bins so that every counted lookup is visible.
 */
export function similarityHistogram(events: readonly LookupEvent[], opts: HistogramOptions): { lookups: number; bins: HistogramBin[] } {
  const { bins: n, from, to } = opts;
  const bins: HistogramBin[] = Array.from({ length: n }, (_, i) => ({
    from: from + ((to - from) * i) / n,
    to: from + ((to - from) * (i + 1)) / n,
    exact: 0, semantic: 0, miss: 0, guarded: 0,
  }));
  let lookups = 0;
  for (const e of events) {
    if (e.similarity === null || !COUNTED.has(e.outcome)) continue;
    const at = Math.min(n - 1, Math.max(0, Math.floor(((e.similarity - from) / (to - from)) * n)));
    bins[at]![e.outcome as 'exact' | 'semantic' | 'miss' | 'guarded']++;
    lookups++;
  }
  return { lookups, bins };
}
