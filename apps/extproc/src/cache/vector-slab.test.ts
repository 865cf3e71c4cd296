import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asFloat32, vectorByteLength, vectorOf, VectorSlab } from './vector-slab.ts';

function unit(seed: number, dimensions: number): Float32Array {
  const v = Float32Array.from({ length: dimensions }, (_, i) => Math.sin(seed * 7.3 + i * 1.1));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

const maxError = (a: ArrayLike<number>, b: ArrayLike<number>): number =>
  Array.from(a).reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

describe('VectorSlab', () => {
  it('keeps f32 rows exactly and f16 (and i8) rows as halves, within f16 rounding', () => {
    const v = unit(1, 384);
    const f32 = vectorOf(new VectorSlab(384, 'f32').store(v));
    assert.ok(f32 instanceof Float32Array);
    assert.deepEqual(f32, v);
    for (const precision of ['f16', 'i8'] as const) {
      const row = new VectorSlab(384, precision).store(v);
      assert.ok(vectorOf(row) instanceof Float16Array, precision);
      assert.equal(vectorByteLength(row), 768);
      assert.ok(maxError(asFloat32(row), v) < 2 ** -11, `${precision}: ${maxError(asFloat32(row), v)}`);
    }
  });

  it('grows past a chunk without moving the rows it holds', () => {
    const slab = new VectorSlab(8, 'f16');
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ source: unit(i, 8), row: slab.store(unit(i, 8)) }));
    assert.equal(slab.size, 10_000);
    for (const { source, row } of rows) assert.ok(maxError(vectorOf(row), source) < 2 ** -11);
  });

  it('reuses a released row, and the released entry keeps a copy of its own vector, not the next one', () => {
    const slab = new VectorSlab(16, 'f16');
    const a = slab.store(unit(1, 16));
    const kept = slab.store(unit(2, 16));
    const copy = slab.release(a);
    assert.equal(slab.size, 1);
    const b = slab.store(unit(3, 16));
    assert.equal(b.slot, a.slot, 'the row was reused');
    assert.ok(maxError(copy, unit(1, 16)) < 2 ** -11, 'the copy is the released vector');
    assert.ok(maxError(vectorOf(b), unit(3, 16)) < 2 ** -11);
    assert.ok(maxError(vectorOf(kept), unit(2, 16)) < 2 ** -11, 'the other row is untouched');
    assert.notEqual(copy.buffer, vectorOf(b).buffer);
  });

  it("scores a row against a query as the cosine of its view, and a vector against its own row as 1", () => {
    const slab = new VectorSlab(384, 'f16');
    const rows = [slab.store(unit(1, 384)), slab.store(unit(2, 384))];
    const query = unit(3, 384);
    for (const row of rows) {
      const view = asFloat32(row);
      const norm = Math.sqrt(view.reduce((sum, x) => sum + x * x, 0));
      const expected = view.reduce((sum, x, i) => sum + x * query[i]!, 0) / norm;
      assert.ok(Math.abs(slab.cosine(row.slot, query) - expected) < 1e-6);
    }
    assert.ok(Math.abs(slab.cosine(rows[0]!.slot, unit(1, 384)) - 1) < 1e-6, 'the f16 rounding of the norm is divided out');
  });

  it('refuses a vector of other dimensions, and a row of another slab', () => {
    assert.throws(() => new VectorSlab(16, 'f16').store(new Float32Array(8)), /8 dimensions, the slab 16/);
    const row = new VectorSlab(16, 'f16').store(unit(1, 16));
    assert.throws(() => new VectorSlab(16, 'f16').release(row), /not of this slab/);
  });
});
