import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from './harness.ts';
import { RedisCluster, type RedisServer } from './redis-server.ts';
import { eventually } from './replicas.ts';

const NS = 'gpt-test';
const PREFIX = 'semcache-cluster-test';

const entries = (h: Harness): number => h.server.engine.namespaces.find(NS)?.size ?? 0;

describe('many replicas sharing one cache through a Redis Cluster (three real redis-server masters)', () => {
  const cluster = new RedisCluster();
  const replicas: Harness[] = [];
  let owner: RedisServer;
  let seed: RedisServer;
  let a: Harness;
  let b: Harness;

  before(async () => {
    await cluster.start();
    owner = await cluster.owner(`{${PREFIX}}:changes`);
    // Seeded with a node that does not hold the cache's slot: only a cluster-aware client finds its data.
    seed = cluster.nodes.find((n) => n !== owner)!;
    for (let i = 0; i < 2; i++) {
      replicas.push(await startHarness({ 'store.mode': 'redis', 'store.redisUrl': seed.url, 'store.redisCluster': true, 'store.redisPrefix': PREFIX }));
    }
    [a, b] = replicas as [Harness, Harness];
  });
  after(async () => {
    for (const h of replicas) await h.close();
    await cluster.stop();
  });

  it('keeps the shared cache on the node that owns its slot, not on the seed', async () => {
    assert.ok(replicas.every((h) => (h.server.store as { synced?: boolean }).synced === true), 'both replicas loaded and follow the stream');
    assert.equal((await cluster.cli(owner, 'EXISTS', `{${PREFIX}}:epoch`)).trim(), '1');
    assert.match(await cluster.cli(seed, 'EXISTS', `{${PREFIX}}:epoch`), /MOVED/, 'the seed redirects: a single-node client would fail here');
  });

  it('serves on replica B an answer stored through replica A, without calling the model', async () => {
    assert.equal((await a.chat('How do I rotate TLS certificates in Envoy?')).source, 'upstream');
    await eventually('B holds the entry', () => entries(b) === 1);
    const onB = await b.chat('How do I rotate TLS certificates in Envoy?');
    assert.equal(onB.source, 'immediate');
    assert.equal(onB.headers['x-semantic-cache'], 'hit-exact');
    assert.equal(b.upstream.calls.length, 0);
    assert.equal((await cluster.cli(owner, 'XLEN', `{${PREFIX}}:changes`)).trim(), '1', 'the change went through the owner');
  });

  it('carries a threshold change made through B to A within a second, both ways', async () => {
    const patch = async (h: Harness, threshold: number): Promise<void> => {
      const res = await fetch(`http://127.0.0.1:${h.server.httpPort}/api/namespaces/${NS}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ threshold }),
      });
      assert.ok(res.ok, `PATCH: ${res.status} ${await res.text()}`);
    };
    await patch(b, 0.97);
    await eventually("A has B's threshold", () => a.server.engine.namespaces.get(NS).settings.threshold === 0.97, 1000);
    await patch(a, 0.85);
    await eventually("B has A's threshold", () => b.server.engine.namespaces.get(NS).settings.threshold === 0.85, 1000);
  });
});
