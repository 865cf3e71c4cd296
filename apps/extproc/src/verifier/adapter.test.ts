import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdaptedSpace, AdapterSchema } from './adapter.ts';

const unit = (...xs: number[]): Float32Array => {
  const n = Math.hypot(...xs);
  return Float32Array.from(xs, (x) => x / n);
};

test('with U = 0 the adapted cosine is the embedder\'s own', () => {
  const space = new AdaptedSpace({ dimensions: 3, rank: 2, u: new Array(6).fill(0), v: [1, 2, 3, 4, 5, 6] });
  const [a, b] = [unit(1, 2, 2), unit(2, 1, 0)];
  assert.ok(Math.abs(space.cosine(a, b) - a.reduce((s, x, i) => s + x * b[i]!, 0)) < 1e-6);
});

test('a rank-1 map that doubles the first axis: cos((2, 1), (2, -1)) = 3 / 5 where the plain cosine is 0', () => {
  // W = I + u v^T with u = v = (1, 0): the first coordinate doubles, the second stays.
  const space = new AdaptedSpace({ dimensions: 2, rank: 1, u: [1, 0], v: [1, 0] });
  const [a, b] = [unit(1, 1), unit(1, -1)];
  assert.ok(Math.abs(space.cosine(a, b) - 3 / 5) < 1e-6);
  assert.equal(space.project(a), space.project(a), 'a vector seen before is not projected again');
});

test('the schema refuses factors of the wrong size', () => {
  assert.throws(() => AdapterSchema.parse({ dimensions: 2, rank: 1, u: [1, 0, 0], v: [1, 0] }), /dimensions x rank/);
});
