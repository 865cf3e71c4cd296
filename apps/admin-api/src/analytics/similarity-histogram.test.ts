import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lookupEvent } from '../testing/lookup-events.ts';
import { similarityHistogram } from './similarity-histogram.ts';

describe('similarityHistogram', () => {
  it('bins best similarities by outcome and skips lookups without a candidate', () => {
    const events = [
      lookupEvent({ similarity: 0.05, outcome: 'miss' }),
      lookupEvent({ similarity: 0.55, outcome: 'miss' }),
      lookupEvent({ similarity: 0.9, outcome: 'semantic' }),
      lookupEvent({ similarity: 0.92, outcome: 'guarded' }),
      lookupEvent({ similarity: 1, outcome: 'exact' }),
      lookupEvent({ similarity: null, candidateId: null, candidatePrompt: null, outcome: 'miss' }),
      lookupEvent({ similarity: null, outcome: 'bypass' }),
    ];
    const h = similarityHistogram(events, { bins: 4, from: 0, to: 1 });
    assert.equal(h.lookups, 5);
    assert.deepEqual(h.bins.map((b) => [b.from, b.to]), [[0, 0.25], [0.25, 0.5], [0.5, 0.75], [0.75, 1]]);
    assert.deepEqual(h.bins.map((b) => [b.exact, b.semantic, b.miss, b.guarded]), [
      [0, 0, 1, 0], [0, 0, 0, 0], [0, 0, 1, 0], [1, 1, 0, 1],
    ]);
  });

  it('puts similarities outside the range into the edge bins', () => {
    const h = similarityHistogram([lookupEvent({ similarity: -0.3 }), lookupEvent({ similarity: 0.95 })], { bins: 2, from: 0.5, to: 0.9 });
    assert.deepEqual(h.bins.map((b) => b.miss), [1, 1]);
    assert.equal(h.lookups, 2);
  });
});
