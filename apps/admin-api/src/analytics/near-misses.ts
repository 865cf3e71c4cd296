import type { LabelVerdict, LookupEvent, NearMiss } from '@semcache/shared';

/** Similarities are floats from a vector index: a miss exactly `margin` below still counts. */
const EPSILON = 1e-9;

/**
 * Misses whose best candidate fell short of the threshold the lookup was decided with by at most `margin`, and
 * candidates above it that the verifier refused, in the order given (the lookup log's: newest first), each with the label an operator gave it, if any.
 */
export function nearMisses(
  events: readonly LookupEvent[], margin: number, limit: number, labels: ReadonlyMap<string, LabelVerdict> = new Map(),
): NearMiss[] {
  const out: NearMiss[] = [];
  for (const e of events) {
    if (out.length >= limit) break;
    if (e.similarity === null || e.candidateId === null || e.candidatePrompt === null) continue;
    const gap = e.threshold - e.similarity;
    // A verifier's refusal above the threshold is the nearest miss of all: the operator's label tells it apart.
    const refused = e.outcome === 'verified-miss';
    if (!refused && (e.outcome !== 'miss' || gap <= 0 || gap > margin + EPSILON)) continue;
    out.push({
      lookupId: e.id,
      time: e.time,
      prompt: e.prompt,
      candidateId: e.candidateId,
      candidatePrompt: e.candidatePrompt,
      similarity: e.similarity,
      threshold: e.threshold,
      gap,
      label: labels.get(e.id) ?? null,
      ...(refused ? { outcome: 'verified-miss' as const, verifier: e.verifier ?? null, verifierScore: e.verifierScore ?? null } : {}),
    });
  }
  return out;
}
