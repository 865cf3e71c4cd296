import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nestsDeeperThan } from './json-depth.ts';

const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('JSON depth', () => {
  it('counts arrays and objects, not scalars', () => {
    assert.equal(nestsDeeperThan({ a: [1, { b: 'x' }] }, 3), false);
    assert.equal(nestsDeeperThan({ a: [1, { b: 'x' }] }, 2), true);
    assert.equal(nestsDeeperThan('text', 0), false);
  });

  it('walks a 100k-deep value without overflowing the stack', () => {
    assert.equal(nestsDeeperThan(nested(100_000), 64), true);
    assert.equal(nestsDeeperThan(nested(64), 64), false);
  });
});
