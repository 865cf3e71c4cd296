import type { PreviewExample, ThresholdPreview, ThresholdSuggestion } from '@semcache/shared';
import { formatPercent } from './format.ts';

/** The slider's resolution: finer than similarities are meaningful, coarse enough to step with arrow keys. */
export const THRESHOLD_STEP = 0.005;

export function snapThreshold(value: number): number {
  const clamped = Math.min(1, Math.max(0, value));
  return Math.round(Math.round(clamped / THRESHOLD_STEP) * THRESHOLD_STEP * 1000) / 1000;
}

export interface WhatIfView {
  /** The proposed threshold is the current one: nothing to preview or apply. */
  unchanged: boolean;
  headline: string;
  detail: string | null;
  /** Lookups that missed and would now be answered from the cache. */
  gained: PreviewExample[];
  gainedCount: number;
  /** Lookups that were answered from the cache and would now go to the model. */
  lost: PreviewExample[];
  lostCount: number;
  hitRateBefore: number | null;
  hitRateAfter: number | null;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** What the threshold preview means for the operator, in words. */
export function whatIfView(p: ThresholdPreview): WhatIfView {
  const unchanged = Math.abs(p.proposedThreshold - p.currentThreshold) < 1e-9;
  const rate = (hits: number): number | null => (p.considered === 0 ? null : hits / p.considered);
  const base = {
    unchanged,
    gained: p.missToHit.examples,
    gainedCount: p.missToHit.count,
    lost: p.hitToMiss.examples,
    lostCount: p.hitToMiss.count,
    hitRateBefore: rate(p.hitsBefore),
    hitRateAfter: rate(p.hitsAfter),
  };
  if (p.considered === 0) {
    return { ...base, headline: 'No recent lookups with a cached candidate to replay yet.', detail: 'Send some traffic through the cache, then move the slider again.' };
  }
  if (unchanged) {
    return { ...base, headline: `This is the current threshold (${p.currentThreshold.toFixed(3)}).`, detail: `Hit rate on the last ${plural(p.considered, 'lookup', 'lookups')}: ${formatPercent(base.hitRateBefore)}.` };
  }
  const flips = p.missToHit.count + p.hitToMiss.count;
  const parts: string[] = [];
  if (p.missToHit.count > 0) parts.push(`${plural(p.missToHit.count, 'miss', 'misses')} would become ${p.missToHit.count === 1 ? 'a hit' : 'hits'}`);
  if (p.hitToMiss.count > 0) parts.push(`${plural(p.hitToMiss.count, 'hit', 'hits')} would go to the model`);
  const headline = flips === 0
    ? `None of the last ${plural(p.considered, 'lookup', 'lookups')} would change at ${p.proposedThreshold.toFixed(3)}.`
    : `${flips} of the last ${plural(p.considered, 'lookup', 'lookups')} would flip at ${p.proposedThreshold.toFixed(3)}: ${parts.join(', ')}.`;
  return { ...base, headline, detail: `Hit rate ${formatPercent(base.hitRateBefore)} → ${formatPercent(base.hitRateAfter)}.` };
}

/** A preview answers for one threshold; one that arrives after the slider moved on must not be shown as current. */
export const previewMatches = (p: ThresholdPreview | null, threshold: number): boolean =>
  p !== null && Math.abs(p.proposedThreshold - threshold) < 1e-9;

/** What the labelled pairs say about the threshold. */
export function suggestionText(s: ThresholdSuggestion): string {
  if (s.labels === 0) return 'No labels yet: mark a few pairs "same meaning" or "different meaning" to get a suggested threshold.';
  if (s.threshold === null) {
    const missing = s.same === 0 ? '"same meaning"' : '"different meaning"';
    return `${plural(s.labels, 'label', 'labels')} so far, all of one kind: label at least one pair ${missing} as well.`;
  }
  const now = `${s.currentCorrect} of ${s.labels} at the current ${s.currentThreshold.toFixed(3)}`;
  if (Math.abs(s.threshold - s.currentThreshold) < 1e-9) return `The current threshold ${s.threshold.toFixed(3)} already fits the labels best (${now} on the right side).`;
  return `Suggested threshold ${s.threshold.toFixed(3)}: ${s.correct} of ${s.labels} labelled pairs on the right side (${now}).`;
}
