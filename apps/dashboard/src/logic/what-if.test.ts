import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PreviewExample, ThresholdPreview, ThresholdSuggestion } from '@semcache/shared';
import { previewMatches, snapThreshold, suggestionText, whatIfView } from './what-if.ts';

const example = (id: string, similarity: number, outcome: PreviewExample['outcome']): PreviewExample =>
  ({ lookupId: id, time: 0, prompt: `p${id}`, candidatePrompt: `c${id}`, similarity, outcome });

function preview(over: Partial<ThresholdPreview>): ThresholdPreview {
  return {
    namespace: 'm', currentThreshold: 0.9, proposedThreshold: 0.85, considered: 10, hitsBefore: 4, hitsAfter: 4,
    missToHit: { count: 0, examples: [] }, hitToMiss: { count: 0, examples: [] }, ...over,
  };
}

describe('whatIfView', () => {
  it('counts flips both ways and reports the hit rate before and after', () => {
    const v = whatIfView(preview({
      hitsAfter: 5,
      missToHit: { count: 2, examples: [example('a', 0.87, 'miss'), example('b', 0.86, 'miss')] },
      hitToMiss: { count: 1, examples: [example('c', 0.84, 'semantic')] },
    }));
    assert.equal(v.unchanged, false);
    assert.equal(v.headline, '3 of the last 10 lookups would flip at 0.850: 2 misses would become hits, 1 hit would go to the model.');
    assert.equal(v.detail, 'Hit rate 40.0% → 50.0%.');
    assert.deepEqual(v.gained.map((e) => e.lookupId), ['a', 'b']);
    assert.equal(v.lostCount, 1);
  });

  it('uses the singular for one flip', () => {
    const v = whatIfView(preview({ hitsAfter: 5, missToHit: { count: 1, examples: [example('a', 0.87, 'miss')] } }));
    assert.equal(v.headline, '1 of the last 10 lookups would flip at 0.850: 1 miss would become a hit.');
  });

  it('says when nothing would change, when the threshold is the current one, and when there is no traffic', () => {
    assert.match(whatIfView(preview({})).headline, /^None of the last 10 lookups would change at 0\.850/);
    const same = whatIfView(preview({ proposedThreshold: 0.9 }));
    assert.equal(same.unchanged, true);
    assert.match(same.headline, /current threshold \(0\.900\)/);
    const empty = whatIfView(preview({ considered: 0, hitsBefore: 0, hitsAfter: 0 }));
    assert.match(empty.headline, /No recent lookups/);
    assert.equal(empty.hitRateBefore, null);
  });
});

describe('threshold helpers', () => {
  it('snaps to the slider step and clamps to [0, 1]', () => {
    assert.equal(snapThreshold(0.8712), 0.87);
    assert.equal(snapThreshold(0.8738), 0.875);
    assert.equal(snapThreshold(1.2), 1);
    assert.equal(snapThreshold(-0.1), 0);
  });

  it('tells a preview for another threshold from the current one', () => {
    assert.equal(previewMatches(preview({ proposedThreshold: 0.85 }), 0.85), true);
    assert.equal(previewMatches(preview({ proposedThreshold: 0.85 }), 0.855), false);
    assert.equal(previewMatches(null, 0.85), false);
  });
});

describe('suggestionText', () => {
  const s = (over: Partial<ThresholdSuggestion>): ThresholdSuggestion =>
    ({ threshold: 0.84, labels: 10, same: 6, different: 4, correct: 9, currentThreshold: 0.9, currentCorrect: 7, ...over });

  it('tells a new operator what to do with no labels or with labels of one kind', () => {
    assert.match(suggestionText(s({ threshold: null, labels: 0, same: 0, different: 0 })), /^No labels yet/);
    assert.match(suggestionText(s({ threshold: null, labels: 3, same: 3, different: 0 })), /label at least one pair "different meaning"/);
    assert.match(suggestionText(s({ threshold: null, labels: 2, same: 0, different: 2 })), /label at least one pair "same meaning"/);
  });

  it('states the suggestion against the current threshold', () => {
    assert.equal(suggestionText(s({})), 'Suggested threshold 0.840: 9 of 10 labelled pairs on the right side (7 of 10 at the current 0.900).');
    assert.match(suggestionText(s({ threshold: 0.9, correct: 7 })), /already fits the labels best/);
  });
});
