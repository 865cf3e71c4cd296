import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { suggestThreshold } from './threshold-suggestion.ts';

const same = (similarity: number) => ({ similarity, verdict: 'same' as const });
const different = (similarity: number) => ({ similarity, verdict: 'different' as const });

describe('suggestThreshold', () => {
  it('puts the threshold midway between the separable groups', () => {
    const s = suggestThreshold([same(0.9), same(0.8), different(0.6), different(0.5)], 0.95);
    assert.ok(Math.abs(s.threshold! - 0.7) < 1e-12);
    assert.equal(s.correct, 4);
    assert.equal(s.labels, 4);
    assert.equal(s.same, 2);
    assert.equal(s.different, 2);
    assert.equal(s.currentCorrect, 2, 'at 0.95 both "same" pairs miss');
  });

  it('gets as many right as it can when the labels overlap', () => {
    const s = suggestThreshold([same(0.9), different(0.85), same(0.8), different(0.6)], 0.5);
    assert.equal(s.correct, 3);
    assert.ok(s.threshold! > 0.6 && s.threshold! <= 0.8, `got ${s.threshold}`);
  });

  it('among equally good thresholds prefers the one nearest the current setting', () => {
    const s = suggestThreshold([same(0.9), different(0.85), same(0.8), different(0.6)], 0.88);
    assert.equal(s.correct, 3);
    assert.ok(Math.abs(s.threshold! - 0.875) < 1e-12, `got ${s.threshold}`);
  });

  it('suggests nothing without labels of both kinds', () => {
    const s = suggestThreshold([same(0.9), same(0.7)], 0.8);
    assert.equal(s.threshold, null);
    assert.equal(s.labels, 2);
    assert.equal(s.currentCorrect, 1);
    assert.equal(suggestThreshold([], 0.8).threshold, null);
  });
});
