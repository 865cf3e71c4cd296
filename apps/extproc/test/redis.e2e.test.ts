import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { entryId } from '../src/cache/entry.ts';
import { adminApi } from './admin-http.ts';
import type { Harness } from './harness.ts';
import { eventually, sharedRedis } from './replicas.ts';

const NS = 'gpt-test';

const labels = (h: Harness): string[] => h.server.admin.listLabels(NS).map((l) => `${l.lookupId}:${l.verdict}`);

const ids = (h: Harness): string[] =>
  [...(h.server.engine.namespaces.find(NS)?.entries() ?? [])].map((e) => entryId(e.key)).sort();

/** Each question in its own conversation, so that none is a semantic hit for another. */
const ask = (h: Harness, i: number) => h.chat(`Tell me the answer to question number ${i}`, {
  messages: [{ role: 'system', content: `conversation ${i}` }, { role: 'user', content: `Tell me the answer to question number ${i}` }],
});

describe('many replicas sharing one cache through Redis (a real redis-server)', () => {
  const shared = sharedRedis('semcache-test');
  const { redis, replicas } = shared;
  const replica = () => shared.replica();
  let a: Harness;
  let b: Harness;

  before(async () => { [a, b] = await shared.startPair(); });
  after(() => shared.close());

  it('serves on replica B an answer stored through replica A, without calling the model', async () => {
    assert.equal((await a.chat('How do I rotate TLS certificates in Envoy?')).source, 'upstream');
    await eventually('B holds the entry', () => ids(b).length === 1);
    const onB = await b.chat('How do I rotate TLS certificates in Envoy?');
    assert.equal(onB.source, 'immediate');
    assert.equal(onB.headers['x-semantic-cache'], 'hit-exact');
    assert.equal(b.upstream.calls.length, 0);
    const paraphrase = await b.chat('How can I rotate the TLS certificates of Envoy?');
    assert.equal(paraphrase.headers['x-semantic-cache'], 'hit-semantic', "B's own index finds paraphrases of A's entries");
  });

  it('carries an operator label made through B to A', async () => {
    const near = b.server.engine.log.recent({ namespace: NS }).find((e) => e.candidatePrompt !== null && e.outcome === 'semantic');
    assert.ok(near, 'B logged the paraphrase with its candidate');
    await adminApi(b, 'POST', `/namespaces/${NS}/labels`, { lookupId: near.id, verdict: 'same' }, 201);
    await eventually("A lists B's label", () => labels(a).join() === `${near.id}:same`, 1000);
  });

  it('carries a threshold change and an eviction made through B to A', async () => {
    await adminApi(b, 'PATCH', `/namespaces/${NS}`, { threshold: 0.99 });
    await eventually("A has B's threshold", () => a.server.engine.namespaces.get(NS).settings.threshold === 0.99, 1000);
    const calls = a.upstream.calls.length;
    assert.equal((await a.chat('How can I rotate the TLS certificates of Envoy?')).source, 'upstream', 'the paraphrase no longer passes on A');
    assert.equal(a.upstream.calls.length, calls + 1);
    await adminApi(b, 'PATCH', `/namespaces/${NS}`, { threshold: 0.8 });

    await eventually('both hold the same entries', () => ids(a).join() === ids(b).join());
    // The question and its paraphrase (stored by A under the high threshold) both answer it: evict both.
    const victims = b.server.admin.listEntries(NS, { text: 'TLS certificates' }).items.map((e) => e.id);
    assert.equal(victims.length, 2);
    for (const id of victims) await adminApi(b, 'DELETE', `/namespaces/${NS}/entries/${id}`);
    await eventually('A no longer holds the evicted entries', () => victims.every((id) => !ids(a).includes(id)), 1000);
    assert.equal((await a.chat('How do I rotate TLS certificates in Envoy?')).source, 'upstream', 'the evicted answers are not served by A');
  });

  it('gives a replica started later the whole cache at once', async () => {
    for (let i = 0; i < 10; i++) await ask(a, i);
    await eventually('B is in line with A', () => ids(a).join() === ids(b).join());
    const c = await replica();
    assert.deepEqual(ids(c), ids(a), 'loaded before it took traffic');
    for (let i = 0; i < 10; i++) assert.equal((await ask(c, i)).source, 'immediate', `question ${i} hits on the new replica`);
    assert.equal(c.upstream.calls.length, 0);
    assert.equal(c.server.engine.namespaces.get(NS).settings.threshold, 0.8, 'with the settings changed live');
    assert.equal(labels(c).length, 1, 'with the labels');
    assert.deepEqual(labels(c), labels(a));
    c.server.admin.deleteLabel(NS, c.server.admin.listLabels(NS)[0]!.lookupId);
    await eventually("A and B drop the label withdrawn on C", () => labels(a).length === 0 && labels(b).length === 0, 1000);
  });

  it('fails no request while Redis restarts under traffic, and the replicas converge afterwards', async () => {
    let stop = false;
    let n = 100;
    const statuses: number[] = [];
    const traffic = async (h: Harness): Promise<void> => {
      while (!stop) {
        const i = n++;
        statuses.push((await ask(h, i)).status, (await ask(h, i % 10)).status);
      }
    };
    const running = Promise.all(replicas.map(traffic));
    await sleep(300);
    await redis.stop();
    await sleep(1000);
    await redis.start();
    await eventually('every replica follows Redis again', () => replicas.every((h) => (h.server.store as { synced?: boolean }).synced === true), 10_000);
    await sleep(300);
    stop = true;
    await running;

    assert.ok(statuses.length > 0);
    assert.deepEqual(statuses.filter((s) => s !== 200), [], 'every request was answered');
    await eventually('all replicas hold the same entries', () => {
      const [first, ...rest] = replicas.map((h) => ids(h).join());
      return rest.every((r) => r === first);
    });
    const stored = await b.chat('A question first asked after Redis came back');
    assert.equal(stored.source, 'upstream');
    await eventually('it reaches every replica', () => replicas.every((h) => ids(h).length === ids(b).length), 1000);
    assert.equal((await a.chat('A question first asked after Redis came back')).source, 'immediate');
  });
});
