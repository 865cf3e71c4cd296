import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, startHarness, type Harness } from './harness.ts';

describe('the original scenario through the real gRPC server', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h.close(); });

  it('misses, then hits semantically, then hits exactly, without calling the model again', async () => {
    const first = await h.envoy.send({ path: '/v1/completions', body: JSON.stringify({ model: 'llama', prompt: 'What is Kubernetes' }) });
    assert.equal(first.status, 200);
    assert.equal(first.source, 'upstream');
    assert.equal(first.headers['x-semantic-cache'], 'miss');
    assert.equal(h.upstream.calls.length, 1);
    assert.equal(h.upstream.calls[0]!.headers['accept-encoding'], undefined, 'accept-encoding is removed so answers are never gzip');

    const second = await h.envoy.send({ path: '/v1/completions', body: JSON.stringify({ model: 'llama', prompt: 'Kubernetes what is it anyway' }) });
    assert.equal(second.source, 'immediate');
    assert.equal(second.status, 200);
    assert.equal(second.headers['x-semantic-cache'], 'hit-semantic');
    assert.equal(second.headers['content-type'], 'application/json');
    assert.ok(Number(second.headers['x-semantic-cache-similarity']) < 1);
    assert.match(second.headers['x-semantic-cache-entry'] ?? '', /^[0-9a-f]{16}$/);
    assert.ok(Number(second.headers.age) >= 0);
    assert.deepEqual(json(second.body), json(first.body));

    const third = await h.envoy.send({ path: '/v1/completions', body: JSON.stringify({ model: 'llama', prompt: 'Kubernetes what is it anyway' }) });
    assert.equal(third.headers['x-semantic-cache'], 'hit-exact');
    assert.equal(third.headers['x-semantic-cache-similarity'], second.headers['x-semantic-cache-similarity'], 'a repeated paraphrase keeps the similarity it first matched with');
    assert.equal(h.upstream.calls.length, 1, 'the model was called once in all');

    const outcomes = h.server.admin.recentLookups({ namespace: 'llama' }).map((e) => e.outcome);
    assert.deepEqual(outcomes, ['exact', 'semantic', 'miss']);
  });

  it('serves the same answer under the /openai prefix (KServe) and with prompt as an array of one string', async () => {
    const a = await h.envoy.send({ path: '/openai/v1/completions', body: JSON.stringify({ model: 'kserve-m', prompt: ['How do I list pods?'] }) });
    assert.equal(a.source, 'upstream');
    const b = await h.envoy.send({ path: '/openai/v1/completions', body: JSON.stringify({ model: 'kserve-m', prompt: 'How do I list pods?' }) });
    assert.equal(b.headers['x-semantic-cache'], 'hit-exact');
  });
});
