import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MIN_POOLED, PooledBoundary, wilsonUpper } from './pooled-boundary.ts';

describe('namespace boundary from pooled checks', () => {
  it('keeps the threshold while there are too few checks', () => {
    const p = new PooledBoundary();
    for (let i = 0; i < MIN_POOLED - 1; i++) {
      p.decided(0.9);
      p.add(0.9, true);
    }
    assert.equal(p.learning(0.8), true);
    assert.equal(p.boundary(0.8, 0.02, 0.65), 0.8);
  });

  it('moves below the threshold where every check was right, and above it where answers below were wrong', () => {
    const right = new PooledBoundary();
    const mixed = new PooledBoundary();
    for (let i = 0; i < 1000; i++) {
      const s = 0.7 + (i % 100) * 0.003;
      right.decided(s);
      right.add(s, true);
      mixed.decided(s);
      mixed.add(s, s >= 0.9 || i % 3 !== 0);
    }
    assert.equal(right.learning(0.8), false);
    assert.ok(right.boundary(0.8, 0.02, 0.65) < 0.72, `all right: ${right.boundary(0.8, 0.02, 0.65)}`);
    const b = mixed.boundary(0.8, 0.02, 0.65);
    assert.ok(b > 0.85 && b < 1, `a third wrong below 0.9: ${b}`);
    assert.ok(mixed.boundary(0.8, 0.1, 0.65) < b, 'a looser bound serves lower');
  });

  it('serves nothing unconfirmed when even the top is wrong too often', () => {
    const p = new PooledBoundary();
    for (let i = 0; i < 500; i++) {
      const s = 0.8 + (i % 50) * 0.004;
      p.decided(s);
      p.add(s, i % 2 === 0);
    }
    assert.equal(p.boundary(0.8, 0.02, 0.65), 1);
  });

  it('bounds a proportion from above', () => {
    assert.equal(wilsonUpper(0, 0), 1);
    assert.ok(wilsonUpper(0, 100) > 0 && wilsonUpper(0, 100) < 0.02);
    assert.ok(wilsonUpper(10, 100) > 0.1);
  });
});
