import type { LookupEvent } from '@semcache/shared';

let seq = 0;

/** A lookup event for tests: a miss against a candidate unless told otherwise. */
export function lookupEvent(over: Partial<LookupEvent> = {}): LookupEvent {
  seq++;
  return {
    id: `ev-${seq}`,
    time: 1_700_000_000_000 + seq,
    namespace: 'm',
    prompt: `prompt ${seq}`,
    candidateId: '00000000000000aa',
    candidatePrompt: `candidate ${seq}`,
    similarity: 0.5,
    threshold: 0.8,
    outcome: 'miss',
    reason: null,
    embedMicros: 10,
    searchMicros: 5,
    ...over,
  };
}
