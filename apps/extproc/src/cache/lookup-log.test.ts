import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LookupEvent } from '@semcache/shared';
import { LookupLog } from './lookup-log.ts';

const event = (i: number, namespace = 'a', outcome: LookupEvent['outcome'] = 'miss'): LookupEvent => ({
  id: String(i), time: i, namespace, prompt: `p${i}`, candidateId: null, candidatePrompt: null, similarity: null,
  threshold: 0.8, outcome, reason: null, embedMicros: 0, searchMicros: 0,
});

describe('LookupLog', () => {
  it('keeps the newest events up to its capacity, newest first', () => {
    const log = new LookupLog(3);
    for (let i = 1; i <= 5; i++) log.record(event(i));
    assert.deepEqual(log.recent().map((e) => e.id), ['5', '4', '3']);
    assert.deepEqual(log.recent({ limit: 2 }).map((e) => e.id), ['5', '4']);
  });
  it('drops the oldest events when their prompts pass the byte bound, keeping at least the newest', () => {
    const big = (i: number): LookupEvent => ({ ...event(i), prompt: 'x'.repeat(1000) });
    const log = new LookupLog(100, 5 * 2200);
    for (let i = 1; i <= 20; i++) log.record(big(i));
    assert.deepEqual(log.recent().map((e) => e.id), ['20', '19', '18', '17', '16']);
    assert.ok(log.bytes <= 5 * 2200);
    const tiny = new LookupLog(10, 10);
    tiny.record(big(1));
    assert.deepEqual(tiny.recent().map((e) => e.id), ['1']);
  });
  it('filters by namespace and outcome', () => {
    const log = new LookupLog(10);
    log.record(event(1, 'a', 'miss'));
    log.record(event(2, 'b', 'exact'));
    log.record(event(3, 'a', 'exact'));
    assert.deepEqual(log.recent({ namespace: 'a' }).map((e) => e.id), ['3', '1']);
    assert.deepEqual(log.recent({ outcome: 'exact' }).map((e) => e.id), ['3', '2']);
  });
  it('tells live listeners, and a throwing listener cannot break recording', () => {
    const log = new LookupLog(10);
    const seen: string[] = [];
    log.subscribe(() => { throw new Error('bad observer'); });
    const off = log.subscribe((e) => seen.push(e.id));
    log.record(event(1));
    off();
    log.record(event(2));
    assert.deepEqual(seen, ['1']);
    assert.equal(log.recent().length, 2);
  });
});
