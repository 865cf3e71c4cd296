import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EvictionResult } from '@semcache/shared';
import { adminApi } from './admin-http.ts';
import type { Harness } from './harness.ts';
import { eventually, sharedRedis } from './replicas.ts';

const NS = 'gpt-test';

const size = (h: Harness): number => h.server.engine.namespaces.find(NS)?.size ?? 0;
const ask = (h: Harness, prompt: string, tags?: string) => h.chat(prompt, {}, tags ? { headers: { 'x-semantic-cache-tags': tags } } : {});

describe('targeted invalidation across replicas sharing Redis (a real redis-server)', () => {
  const shared = sharedRedis('semcache-invalidate');
  const replica = () => shared.replica();
  let a: Harness;
  let b: Harness;

  before(async () => { [a, b] = await shared.startPair(); });
  after(() => shared.close());

  it("carries an entry's tags and revision to the other replica, and an eviction by tag back", async () => {
    await ask(a, 'How do I drain a node?', 'k8s');
    await ask(a, 'What is the capital of Peru?', 'geo');
    await eventually('B holds both', () => size(b) === 2);
    const onB = b.server.admin.listEntries(NS, { text: 'drain' }).items[0];
    assert.deepEqual(onB?.tags, ['k8s']);
    assert.equal(onB?.modelRevision, 'gpt-test', "the fake model answers with the model's own name");

    const evicted = await adminApi<EvictionResult>(b, 'POST', `/namespaces/${NS}/evictions`, { tags: ['k8s'] });
    assert.equal(evicted.matched, 1);
    await eventually('A dropped it', () => size(a) === 1);
    assert.equal((await ask(a, 'How do I drain a node?')).source, 'upstream');
    assert.equal((await ask(a, 'What is the capital of Peru?')).source, 'immediate');
  });

  it('an epoch flush on one replica stops the old answers on the others, and a replica started later loads the epoch', async () => {
    await eventually('B is in line with A', () => size(b) === size(a) && size(a) === 2);
    await adminApi(b, 'POST', `/namespaces/${NS}/epoch`);
    await eventually('A has the new epoch', () => a.server.engine.namespaces.get(NS).epoch === 1);
    const calls = a.upstream.calls.length;
    assert.equal((await ask(a, 'What is the capital of Peru?')).source, 'upstream', 'A no longer serves it');
    assert.equal(a.upstream.calls.length, calls + 1);
    await eventually('B holds the answer of the new epoch', () => size(b) === 1);
    assert.equal((await ask(b, 'What is the capital of Peru?')).source, 'immediate');

    const c = await replica();
    assert.equal(c.server.engine.namespaces.get(NS).epoch, 1);
    assert.equal(size(c), 1, 'only the entry of the new epoch is in Redis');
    assert.equal((await ask(c, 'What is the capital of Peru?')).source, 'immediate');
    assert.equal((await ask(c, 'How do I drain a node?')).source, 'upstream');
  });

  it('an answer stored with the old epoch after the flush, by a replica that had not heard of it, is never served', async () => {
    await ask(a, 'What is the tallest mountain in Peru?');
    const ns = a.server.engine.namespaces.get(NS);
    const stored = [...ns.entries()].find((e) => e.prompt === 'What is the tallest mountain in Peru?')!;
    await eventually('B holds it', () => b.server.admin.listEntries(NS, { text: 'tallest' }).total === 1);
    await adminApi(b, 'POST', `/namespaces/${NS}/epoch`);
    await eventually('A has epoch 2', () => ns.epoch === 2);
    // What A would have sent had its store raced the flush: the entry as stored in the epoch before.
    a.server.engine.emit({ type: 'add', entry: { ...stored, key: stored.key ^ 1n, epoch: 1 } });
    await sleep(300);
    assert.equal(b.server.admin.listEntries(NS, { text: 'tallest' }).total, 0, 'B did not take it');
    assert.equal(b.server.engine.namespaces.get(NS).size, b.server.engine.namespaces.get(NS).currentSize, 'nor keeps it superseded');
    assert.equal((await ask(b, 'What is the tallest mountain in Peru?')).source, 'upstream');
  });
});
