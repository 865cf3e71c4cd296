import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LookupEvent, LookupOutcome } from '@semcache/shared';
import { addLive, lookupsLastMinute, perMinute } from './lookup-series.ts';

let seq = 0;
const ev = (time: number, outcome: LookupOutcome, namespace = 'a'): LookupEvent => ({
  id: `e${seq++}`, time, namespace, prompt: 'p', candidateId: null, candidatePrompt: null, similarity: null,
  threshold: 0.9, outcome, reason: null, embedMicros: 0, searchMicros: 0,
});

const MIN = 60_000;
const NOW = 100 * MIN + 30_000;

describe('perMinute', () => {
  it('buckets hits and misses per minute, the current minute last, ignoring bypasses and old events', () => {
    const s = perMinute([
      ev(NOW, 'exact'), ev(NOW - 1000, 'semantic'), ev(NOW - 5000, 'miss'),
      ev(NOW - MIN, 'guarded'), ev(NOW - MIN, 'error'), ev(NOW - MIN, 'bypass'),
      ev(NOW - 3 * MIN, 'miss'),
    ], NOW, 3);
    assert.deepEqual(s.t, [98 * 60, 99 * 60, 100 * 60]);
    assert.deepEqual(s.hits, [0, 0, 2]);
    assert.deepEqual(s.misses, [0, 2, 1]);
  });
});

describe('lookupsLastMinute', () => {
  it('counts per namespace within the last 60 seconds only', () => {
    const m = lookupsLastMinute([ev(NOW, 'miss', 'a'), ev(NOW - 59_000, 'exact', 'a'), ev(NOW - 60_000, 'miss', 'a'), ev(NOW, 'bypass', 'b')], NOW);
    assert.deepEqual([...m], [['a', 2], ['b', 1]]);
  });
});

describe('addLive', () => {
  it('puts the newest first, skips duplicates, and drops old events and overflow', () => {
    const a = ev(NOW - 2000, 'miss');
    const b = ev(NOW - 1000, 'exact');
    const old = ev(NOW - 10 * MIN, 'miss');
    let w = addLive([a, old], b, NOW, 5 * MIN, 10);
    assert.deepEqual(w.map((e) => e.id), [b.id, a.id]);
    w = addLive(w, b, NOW, 5 * MIN, 10);
    assert.equal(w.length, 2);
    const c = ev(NOW, 'semantic');
    assert.deepEqual(addLive(w, c, NOW, 5 * MIN, 2).map((e) => e.id), [c.id, b.id]);
  });
});
