import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { histogramSeries } from './histogram-series.ts';

const bin = (from: number, exact: number, semantic: number, miss: number, guarded: number) =>
  ({ from, to: from + 0.25, exact, semantic, miss, guarded });

describe('histogramSeries', () => {
  it('groups outcomes and stacks them bottom to top per bin', () => {
    const s = histogramSeries([bin(0, 0, 0, 3, 0), bin(0.25, 0, 0, 1, 0), bin(0.5, 0, 1, 2, 1), bin(0.75, 4, 2, 0, 1)]);
    assert.deepEqual(s.x, [0.125, 0.375, 0.625, 0.875]);
    assert.deepEqual(s.counts, [[0, 0, 1, 6], [3, 1, 2, 0], [0, 0, 1, 1]]);
    assert.deepEqual(s.stacked, [[0, 0, 1, 6], [3, 1, 3, 6], [3, 1, 4, 7]]);
    assert.equal(s.binWidth, 0.25);
    assert.equal(s.total, 15);
    assert.equal(s.max, 7);
  });

  it('handles no bins', () => {
    const s = histogramSeries([]);
    assert.deepEqual(s.x, []);
    assert.equal(s.total, 0);
    assert.equal(s.max, 0);
  });
});
