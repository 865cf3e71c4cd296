import type { HistogramBin } from '@semcache/shared';

/** The outcome groups the similarity plot stacks, bottom to top. */
export const HISTOGRAM_GROUPS = [
  { key: 'hits', label: 'hits (exact + semantic)' },
  { key: 'misses', label: 'misses' },
  { key: 'guarded', label: 'refused by the guard' },
] as const;

export interface HistogramSeries {
  /** Bin centres. */
  x: number[];
  /** Per group, the stacked top of its bar in each bin (so a bar is drawn from the previous group's top). */
  stacked: [number[], number[], number[]];
  /** Per group, the plain count in each bin (for tooltips and the accessible table). */
  counts: [number[], number[], number[]];
  binWidth: number;
  total: number;
  max: number;
}

/** Server bins -> the stacked columns the plot draws. */
export function histogramSeries(bins: HistogramBin[]): HistogramSeries {
  const hits = bins.map((b) => b.exact + b.semantic);
  const misses = bins.map((b) => b.miss);
  const guarded = bins.map((b) => b.guarded);
  const s1 = hits;
  const s2 = hits.map((h, i) => h + misses[i]!);
  const s3 = s2.map((h, i) => h + guarded[i]!);
  return {
    x: bins.map((b) => (b.from + b.to) / 2),
    stacked: [s1, s2, s3],
    counts: [hits, misses, guarded],
    binWidth: bins.length === 0 ? 0 : bins[0]!.to - bins[0]!.from,
    total: s3.reduce((a, b) => a + b, 0),
    max: Math.max(0, ...s3),
  };
}
