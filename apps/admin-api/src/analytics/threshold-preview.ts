import type { LookupEvent, PreviewExample, ThresholdPreview } from '@semcache/shared';

/**
 * How the given lookups would have gone at another threshold. Only hits and plain misses with a best
 * candidate can change: a lookup is taken to hit when its best similarity reaches the threshold (an exact
 * hit of a paraphrase included, as the engine stops serving such aliases once the threshold passes them).
 * Guarded, bypassed and failed lookups stay as they were.
 */
export function thresholdPreview(
  events: readonly LookupEvent[], proposed: number, maxExamples: number,
): Omit<ThresholdPreview, 'namespace' | 'currentThreshold'> {
  let considered = 0;
  let hitsBefore = 0;
  let hitsAfter = 0;
  const missToHit: PreviewExample[] = [];
  const hitToMiss: PreviewExample[] = [];
  let missToHitCount = 0;
  let hitToMissCount = 0;
  for (const e of events) {
    if (e.similarity === null || e.candidatePrompt === null) continue;
    if (e.outcome !== 'exact' && e.outcome !== 'semantic' && e.outcome !== 'miss') continue;
    considered++;
    const before = e.outcome !== 'miss';
    const after = e.similarity >= proposed;
    if (before) hitsBefore++;
    if (after) hitsAfter++;
    if (before === after) continue;
    const example: PreviewExample = {
      lookupId: e.id, time: e.time, prompt: e.prompt, candidatePrompt: e.candidatePrompt, similarity: e.similarity, outcome: e.outcome,
    };
    if (after) {
      missToHitCount++;
      if (missToHit.length < maxExamples) missToHit.push(example);
    } else {
      hitToMissCount++;
      if (hitToMiss.length < maxExamples) hitToMiss.push(example);
    }
  }
  return {
    proposedThreshold: proposed,
    considered,
    hitsBefore,
    hitsAfter,
    missToHit: { count: missToHitCount, examples: missToHit },
    hitToMiss: { count: hitToMissCount, examples: hitToMiss },
  };
}
