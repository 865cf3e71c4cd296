import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NamespaceSettings } from '@semcache/shared';
import type { CacheEntry } from './entry.ts';
import { ExactTier } from './exact-tier.ts';
import { Namespace } from './namespace.ts';
import { exactMatchKey } from './normalize.ts';
import { packText } from './packed-text.ts';
import { SharedStrings } from './shared-strings.ts';
import type { IndexPrecision } from './vector-index.ts';
import { SlabRow } from './vector-slab.ts';

const SETTINGS = { threshold: 0.9, ttlSeconds: 60, maxEntries: 100, enabled: true } as NamespaceSettings;

function namespace(precision: IndexPrecision = 'f16'): Namespace {
  return new Namespace('m', { model: 'm', tenant: null }, SETTINGS, () => ({ provider: 't', model: 't', version: '1', dimensions: 0 }), 0, () => precision);
}

function unit(seed: number, dimensions = 64): Float32Array {
  const v = Float32Array.from({ length: dimensions }, (_, i) => Math.sin(seed * 7.3 + i * 1.1) + (i === seed % dimensions ? 3 : 0));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

let nextKey = 1n;
function entry(prompt: string, fingerprint = 'fp', vector = unit(Number(nextKey))): CacheEntry {
  return {
    key: nextKey++, namespace: 'm', endpoint: 'chat', prompt, fingerprint, vector, response: packText(`{"answer":"${prompt}"}`),
    contentType: 'application/json', usage: null, tags: [], modelRevision: null, systemFingerprint: null, epoch: 0,
    createdAt: 0, lastHitAt: null, hitCount: 0, expiresAt: 60_000,
  };
}

describe('exact tier', () => {
  it('finds an entry by its prompt up to white space and Unicode form, and only with its fingerprint', () => {
    const ns = namespace();
    const stored = entry('What is  the capital of France?');
    ns.add(stored);
    assert.equal(ns.getExact(exactMatchKey('fp', ' What is the capital of France? '))?.entry, stored);
    assert.equal(ns.getExact(exactMatchKey('fp', 'What is the capital of france?')), undefined, 'case can change meaning');
    assert.equal(ns.getExact(exactMatchKey('other', 'What is  the capital of France?')), undefined);
  });

  it('never serves an entry whose digest a different prompt shares', () => {
    const ns = namespace();
    ns.add(entry('a prompt'));
    const colliding = { ...exactMatchKey('fp', 'a prompt'), normalized: 'another prompt' };
    assert.equal(ns.getExact(colliding), undefined);
    assert.equal(ns.getExact({ ...exactMatchKey('fp', 'a prompt'), fingerprint: 'fp2' }), undefined);
  });

  it('serves a paraphrase alias only to that paraphrase, and drops it with its entry', () => {
    const ns = namespace();
    const stored = entry('how do I reset my password');
    ns.add(stored);
    const paraphrase = exactMatchKey('fp', 'password reset how');
    ns.addAlias(paraphrase, stored, 0.93, false);
    assert.deepEqual(ns.getExact(paraphrase), { entry: stored, similarity: 0.93, alias: true, verified: false });
    ns.addAlias(paraphrase, stored, 0.93, true);
    assert.equal(ns.getExact(paraphrase)?.verified, true, 'the same paraphrase accepted by a verifier later');
    assert.equal(ns.getExact({ ...paraphrase, normalized: 'something else' }), undefined);
    ns.remove(stored.key);
    assert.equal(ns.getExact(paraphrase), undefined);
  });

  it('replaces an entry stored again for the same prompt, and keeps the one of another prompt', () => {
    const ns = namespace();
    const first = entry('q');
    const other = entry('r');
    ns.add(first);
    ns.add(other);
    assert.equal(ns.add(entry('q ')), first.key);
    assert.equal(ns.size, 2);
    assert.equal(ns.get(other.key), other);
  });
});

describe('exact tier buckets', () => {
  it('keeps every entry whose digests collide reachable, each only by its own prompt, and drops each alone', () => {
    const tier = new ExactTier();
    const a = entry('first');
    const b = entry('second');
    const c = entry('third');
    for (const e of [a, b, c]) tier.add(7, e);
    const entries = new Map([a, b, c].map((e) => [e.key, e]));
    const keyOf = (prompt: string) => ({ ...exactMatchKey('fp', prompt), digest: 7 });
    assert.equal(tier.get(keyOf('second'), entries)?.entry, b);
    assert.equal(tier.get(keyOf('fourth'), entries), undefined);
    tier.remove(7, { ...b });
    assert.equal(tier.get(keyOf('second'), entries)?.entry, b, 'only the very entry stored leaves');
    tier.remove(7, b);
    assert.equal(tier.get(keyOf('second'), entries), undefined);
    assert.equal(tier.get(keyOf('first'), entries)?.entry, a);
    assert.equal(tier.get(keyOf('third'), entries)?.entry, c);
    tier.remove(7, a);
    tier.remove(7, c);
    assert.equal(tier.get(keyOf('third'), entries), undefined);
  });
});

describe('stored vectors', () => {
  it('holds a row of the slab while stored and its own copy once removed', () => {
    const ns = namespace();
    const v = unit(3);
    const e = entry('v', 'fp', v);
    ns.add(e);
    assert.ok(e.vector instanceof SlabRow);
    ns.remove(e.key);
    assert.ok(e.vector instanceof Float16Array);
    assert.ok(Array.from(e.vector).every((x, i) => Math.abs(x - v[i]!) < 2 ** -10));
  });

  for (const precision of ['i8', 'b1'] as const) {
    it(`an ${precision} index: its candidates come back scored against the f16 rows, best first`, () => {
      const ns = namespace(precision);
      const entries = Array.from({ length: 200 }, (_, i) => entry(`p${i}`, 'fp', unit(i)));
      for (const e of entries) ns.add(e);
      const query = unit(17).map((x, i) => x + 0.02 * Math.cos(i));
      const norm = Math.hypot(...query);
      const q = query.map((x) => x / norm);
      const exact = (v: Float32Array): number => v.reduce((s, x, i) => s + x * q[i]!, 0);
      const found = ns.search(q, 8);
      assert.equal(found[0]!.key, entries[17]!.key);
      for (const n of found) {
        const e = entries.find((x) => x.key === n.key)!;
        assert.ok(Math.abs(n.similarity - exact(unit(Number(e.prompt.slice(1))))) < 2e-3, `${n.similarity}`);
      }
      for (let i = 1; i < found.length; i++) assert.ok(found[i - 1]!.similarity >= found[i]!.similarity);
    });
  }
});

describe('SharedStrings', () => {
  it('counts uses and forgets a string none uses', () => {
    const s = new SharedStrings();
    const a = 'f'.repeat(64);
    assert.equal(s.share(a), a);
    s.share('f'.repeat(64));
    s.share('g');
    assert.equal(s.size, 2);
    s.release(a);
    assert.equal(s.size, 2);
    s.release(a);
    s.release('g');
    assert.equal(s.size, 0);
  });
});
