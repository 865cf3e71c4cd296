import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHarness, type Harness } from './harness.ts';
import { RedisServer } from './redis-server.ts';

/** Polls until the condition holds; replication is asynchronous. */
async function eventually(what: string, condition: () => boolean, withinMs = 5000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`not within ${withinMs} ms: ${what}`);
    await sleep(20);
  }
}

const embed = (h: Harness, input: string) => h.envoy.send({ path: '/v1/embeddings', body: JSON.stringify({ model: 'embed-test', input }) });

// Exact-only entries (embeddings, prompts past the embedder's window) carry a placeholder vector that no
// index takes: a replica must load them all the same.
describe('exact-only entries shared through Redis (a real redis-server)', () => {
  const redis = new RedisServer();
  const replicas: Harness[] = [];
  const replica = async (): Promise<Harness> => {
    const h = await startHarness({ 'store.mode': 'redis', 'store.redisUrl': redis.url, 'store.redisPrefix': 'semcache-exact-only' });
    replicas.push(h);
    return h;
  };

  before(async () => { await redis.start(); });
  after(async () => {
    for (const h of replicas) await h.close();
    await redis.stop();
  });

  it('an embeddings answer stored by one replica is served by another, and by one started later', async () => {
    const a = await replica();
    const b = await replica();
    const first = await embed(a, 'shared vectors');
    assert.equal(first.headers['x-semantic-cache'], 'miss');
    const entries = (h: Harness) => [...(h.server.engine.namespaces.find('embed-test')?.entries() ?? [])].length;
    await eventually('replica b has the entry', () => entries(b) === 1);
    const fromB = await embed(b, 'shared vectors');
    assert.equal(fromB.headers['x-semantic-cache'], 'hit-exact');
    assert.ok(fromB.body.equals(first.body));

    const late = await replica();
    assert.equal(entries(late), 1, 'loaded from Redis at start-up');
    assert.equal((await embed(late, 'shared vectors')).headers['x-semantic-cache'], 'hit-exact');
    assert.equal(a.upstream.calls.length + b.upstream.calls.length + late.upstream.calls.length, 1);
  });
});
