import type { LabelVerdict, ThresholdSuggestion } from '@semcache/shared';

export interface LabelledPair {
  similarity: number;
  verdict: LabelVerdict;
}

/** Pairs on their right side at threshold t: 'same' ones reach it, 'different' ones fall below. */
function correctAt(pairs: readonly LabelledPair[], t: number): number {
  let n = 0;
  for (const p of pairs) if ((p.verdict === 'same') === (p.similarity >= t)) n++;
  return n;
}

/**
 * The threshold that separates the labelled pairs best. Candidates lie midway between neighbouring labelled
 * similarities (the widest margin either side), plus the lowest one; among equally good candidates the one
 * nearest the current threshold wins, so the advice moves the setting no further than the labels justify.
 */
export function suggestThreshold(pairs: readonly LabelledPair[], currentThreshold: number): ThresholdSuggestion {
  const same = pairs.filter((p) => p.verdict === 'same').length;
  const different = pairs.length - same;
  const base = {
    labels: pairs.length, same, different, currentThreshold, currentCorrect: correctAt(pairs, currentThreshold),
  };
  if (same === 0 || different === 0) return { ...base, threshold: null, correct: 0 };

  const values = [...new Set(pairs.map((p) => p.similarity))].sort((a, b) => a - b);
  const candidates = [values[0]!];
  for (let i = 1; i < values.length; i++) candidates.push((values[i - 1]! + values[i]!) / 2);
  const top = values.at(-1)!;
  if (top < 1) candidates.push((top + 1) / 2);

  let best = { threshold: candidates[0]!, correct: -1 };
  for (const raw of candidates) {
    const t = Math.min(1, Math.max(0, raw));
    const correct = correctAt(pairs, t);
    const nearer = Math.abs(t - currentThreshold) < Math.abs(best.threshold - currentThreshold);
    if (correct > best.correct || (correct === best.correct && nearer)) best = { threshold: t, correct };
  }
  return { ...base, ...best };
}
