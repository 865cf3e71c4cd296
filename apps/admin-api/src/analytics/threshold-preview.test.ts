import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lookupEvent } from '../testing/lookup-events.ts';
import { thresholdPreview } from './threshold-preview.ts';

describe('thresholdPreview', () => {
  const nearMiss = lookupEvent({ similarity: 0.76, outcome: 'miss' });
  const farMiss = lookupEvent({ similarity: 0.4, outcome: 'miss' });
  const weakHit = lookupEvent({ similarity: 0.81, outcome: 'semantic' });
  const strongHit = lookupEvent({ similarity: 0.95, outcome: 'semantic' });
  const exact = lookupEvent({ similarity: 1, outcome: 'exact' });
  const aliasHit = lookupEvent({ similarity: 0.82, outcome: 'exact' });
  const guarded = lookupEvent({ similarity: 0.9, outcome: 'guarded' });
  const bypass = lookupEvent({ similarity: null, candidateId: null, candidatePrompt: null, outcome: 'bypass' });
  const events = [nearMiss, farMiss, weakHit, strongHit, exact, aliasHit, guarded, bypass];

  it('lowering the threshold turns near misses into hits and nothing into a miss', () => {
    const p = thresholdPreview(events, 0.75, 10);
    assert.equal(p.considered, 6);
    assert.equal(p.hitsBefore, 4);
    assert.equal(p.hitsAfter, 5);
    assert.deepEqual(p.missToHit.examples.map((e) => e.lookupId), [nearMiss.id]);
    assert.equal(p.missToHit.examples[0]!.candidatePrompt, nearMiss.candidatePrompt);
    assert.equal(p.hitToMiss.count, 0);
  });

  it('raising it turns weak hits, paraphrase aliases included, into misses', () => {
    const p = thresholdPreview(events, 0.9, 10);
    assert.equal(p.hitToMiss.count, 2);
    assert.deepEqual(p.hitToMiss.examples.map((e) => e.lookupId), [weakHit.id, aliasHit.id]);
    assert.equal(p.missToHit.count, 0);
    assert.equal(p.hitsAfter, 2);
  });

  it('caps the examples but not the counts', () => {
    const p = thresholdPreview(events, 0.99, 1);
    assert.equal(p.hitToMiss.count, 3);
    assert.equal(p.hitToMiss.examples.length, 1);
  });
});
