import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Harness } from './harness.ts';
import { eventually, sharedRedis } from './replicas.ts';

const embed = (h: Harness, input: string) => h.envoy.send({ path: '/v1/embeddings', body: JSON.stringify({ model: 'embed-test', input }) });

// Exact-only entries (embeddings, prompts past the embedder's window) carry a placeholder vector that no
// index takes: a replica must load them all the same.
describe('exact-only entries shared through Redis (a real redis-server)', () => {
  const shared = sharedRedis('semcache-exact-only');
  const replica = () => shared.replica();

  before(() => shared.start());
  after(() => shared.close());

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
