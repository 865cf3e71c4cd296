import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lookupEvent } from '../testing/lookup-events.ts';
import { nearMisses } from './near-misses.ts';

describe('nearMisses', () => {
  const inside = lookupEvent({ similarity: 0.75, threshold: 0.8 });
  const atMargin = lookupEvent({ similarity: 0.7, threshold: 0.8 });
  const below = lookupEvent({ similarity: 0.69, threshold: 0.8 });
  const hit = lookupEvent({ similarity: 0.79, threshold: 0.8, outcome: 'semantic' });
  const guarded = lookupEvent({ similarity: 0.79, threshold: 0.8, outcome: 'guarded' });
  const noCandidate = lookupEvent({ similarity: null, candidateId: null, candidatePrompt: null });
  const events = [inside, atMargin, below, hit, guarded, noCandidate];

  it('keeps only misses within the margin below the threshold they were decided with, in order', () => {
    const found = nearMisses(events, 0.1, 10);
    assert.deepEqual(found.map((n) => n.lookupId), [inside.id, atMargin.id]);
    assert.equal(found[0]!.prompt, inside.prompt);
    assert.equal(found[0]!.candidatePrompt, inside.candidatePrompt);
    assert.ok(Math.abs(found[0]!.gap - 0.05) < 1e-12);
    assert.equal(found[0]!.label, null);
  });

  it('honours a narrower margin, the limit and known labels', () => {
    assert.deepEqual(nearMisses(events, 0.06, 10).map((n) => n.lookupId), [inside.id]);
    assert.equal(nearMisses(events, 0.1, 1).length, 1);
    const labelled = nearMisses(events, 0.1, 10, new Map([[atMargin.id, 'same' as const]]));
    assert.deepEqual(labelled.map((n) => n.label), [null, 'same']);
  });

  it('lists a candidate the verifier refused above the threshold, with the verifier and its score', () => {
    const refused = lookupEvent({ similarity: 0.9, threshold: 0.8, outcome: 'verified-miss', reason: 'verifier-refused', verifier: 'pair-classifier/onnx@1', verifierScore: 0.31 });
    const [found] = nearMisses([refused, hit], 0.1, 10);
    assert.equal(found!.lookupId, refused.id);
    assert.equal(found!.outcome, 'verified-miss');
    assert.equal(found!.verifier, 'pair-classifier/onnx@1');
    assert.equal(found!.verifierScore, 0.31);
    assert.ok(found!.gap < 0);
    assert.equal(inside.outcome, 'miss');
    assert.equal(nearMisses([inside], 0.1, 10)[0]!.outcome, undefined, 'a plain near miss carries no verdict');
  });

  it('uses each lookup\'s own threshold, not one shared value', () => {
    const older = lookupEvent({ similarity: 0.85, threshold: 0.9 });
    assert.deepEqual(nearMisses([older], 0.1, 10).map((n) => n.lookupId), [older.id]);
  });
});
