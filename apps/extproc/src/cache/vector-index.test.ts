import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { precisionFor, servesAs, VectorIndex, type IndexPrecision } from './vector-index.ts';

/** Unit vectors from a fixed sequence, so every run indexes the same data. */
function vectors(n: number, dimensions: number): Float32Array[] {
  let s = 12345;
  const next = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  return Array.from({ length: n }, () => {
    const v = Float32Array.from({ length: dimensions }, next);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

const DIMENSIONS = 384;
const stored = vectors(1000, DIMENSIONS);

describe('VectorIndex precisions', () => {
  for (const precision of ['f32', 'f16', 'i8', 'b1'] as IndexPrecision[]) {
    it(`finds an exact duplicate first, at similarity ~1, at ${precision}, also once saved and loaded`, async () => {
      const index = new VectorIndex(DIMENSIONS, precision);
      stored.forEach((v, i) => index.add(BigInt(i), v));
      const dir = await mkdtemp(join(tmpdir(), 'semcache-vi-'));
      try {
        index.save(join(dir, 'i.usearch'));
        const loaded = VectorIndex.load(join(dir, 'i.usearch'), DIMENSIONS, precision);
        assert.equal(loaded.size, stored.length);
        for (const idx of [index, loaded]) {
          for (let i = 0; i < stored.length; i += 7) {
            const [best] = idx.search(stored[i]!, 8);
            assert.equal(best?.key, BigInt(i), `vector ${i} at ${precision}`);
            assert.ok(best.similarity > 0.99, `similarity ${best.similarity} at ${precision}`);
          }
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it('b1 compares signs: its similarity is their correlation, 1 for the same signs and -1 for the opposite', () => {
    const index = new VectorIndex(DIMENSIONS, 'b1');
    const v = stored[3]!;
    index.add(1n, v);
    index.add(2n, v.map((x) => -x));
    const half = v.map((x, i) => (i < DIMENSIONS / 2 ? x : -x));
    index.add(3n, half);
    assert.deepEqual(index.search(v, 3).map((n) => [n.key, n.similarity]), [[1n, 1], [3n, 0], [2n, -1]]);
  });

  it('adds many vectors at once, keyed as given', () => {
    const index = new VectorIndex(DIMENSIONS, 'f16');
    const flat = new Float32Array(stored.length * DIMENSIONS);
    stored.forEach((v, i) => flat.set(v, i * DIMENSIONS));
    index.addMany(BigUint64Array.from(stored, (_, i) => BigInt(i + 100)), flat, 1);
    assert.equal(index.size, stored.length);
    assert.equal(index.search(stored[42]!, 1)[0]?.key, 142n);
    assert.throws(() => index.addMany(new BigUint64Array(2), new Float32Array(DIMENSIONS), 1), /values for 2 vectors/);
  });

  it('auto picks the measured precision per dimension, and an explicit one always wins', () => {
    assert.equal(precisionFor('auto', 384), 'i8');
    assert.equal(precisionFor('b1', 384), 'b1');
    assert.equal(precisionFor('auto', 64), 'f32');
    assert.equal(precisionFor('i8', 384), 'i8');
    assert.equal(precisionFor('f32', 1024), 'f32');
  });

  it('auto serves with an index saved at f16 as well as i8; an explicit precision only with its own', () => {
    assert.ok(servesAs('auto', 384, 'f16') && servesAs('auto', 384, 'i8') && !servesAs('auto', 384, 'b1'));
    assert.ok(!servesAs('b1', 384, 'i8') && servesAs('b1', 384, 'b1') && !servesAs('i8', 384, 'b1'));
    assert.ok(!servesAs('auto', 384, 'f32') && !servesAs('auto', 64, 'f16') && servesAs('auto', 64, 'f32'));
    assert.ok(!servesAs('i8', 384, 'f16') && !servesAs('f16', 384, 'i8') && servesAs('f16', 384, 'f16'));
  });
});
