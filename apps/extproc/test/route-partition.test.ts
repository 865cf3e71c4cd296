import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startHarness, type Harness } from './harness.ts';

const ask = (h: Harness, path: string, headers: Record<string, string> = {}) =>
  h.envoy.send({ path, headers, body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'Which region am I in?' }] }) });

describe('route identity in the partition (real server)', () => {
  it('by default the path prefix and the query string keep answers apart; the plain path keeps its name', async () => {
    const h = await startHarness();
    try {
      await ask(h, '/v1/chat/completions');
      assert.equal((await ask(h, '/v1/chat/completions')).headers['x-semantic-cache'], 'hit-exact');
      assert.equal((await ask(h, '/openai/v1/chat/completions')).source, 'upstream', 'another prefix is another route');
      assert.equal((await ask(h, '/v1/chat/completions?api-version=1')).source, 'upstream', 'a query string is another route');
      assert.equal((await ask(h, '/v1/chat/completions?api-version=2')).source, 'upstream');
      assert.equal((await ask(h, '/v1/chat/completions?api-version=1')).headers['x-semantic-cache'], 'hit-exact');
      assert.equal((await ask(h, '/v1/chat/completions', { ':authority': 'other.example' })).headers['x-semantic-cache'], 'hit-exact', 'the host is not part of it by default');
      const namespaces = h.server.admin.listNamespaces();
      assert.deepEqual(namespaces.map((n) => n.route).sort(), ['/openai', '?api-version=1', '?api-version=2', null].sort());
      assert.ok(namespaces.some((n) => n.name === 'gpt-test'), 'requests at the root keep the namespace name they had');
    } finally {
      await h.close();
    }
  });

  it('with the authority and a selected header configured, each host and api-version is its own partition', async () => {
    const h = await startHarness({ 'route.authority': true, 'route.headers': ['API-Version'] });
    try {
      await ask(h, '/v1/chat/completions', { ':authority': 'a.example', 'api-version': '2024-01' });
      assert.equal((await ask(h, '/v1/chat/completions', { ':authority': 'a.example', 'api-version': '2024-01' })).headers['x-semantic-cache'], 'hit-exact');
      assert.equal((await ask(h, '/v1/chat/completions', { ':authority': 'b.example', 'api-version': '2024-01' })).source, 'upstream');
      assert.equal((await ask(h, '/v1/chat/completions', { ':authority': 'a.example', 'api-version': '2025-06' })).source, 'upstream');
      assert.equal((await ask(h, '/v1/chat/completions', { ':authority': 'a.example' })).source, 'upstream', 'no header is a value of its own');
      assert.equal((await ask(h, '/v1/chat/completions', { ':authority': 'A.EXAMPLE', 'api-version': '2024-01' })).headers['x-semantic-cache'], 'hit-exact', 'host names ignore case');
      assert.equal(h.server.admin.listNamespaces().length, 4);
    } finally {
      await h.close();
    }
  });

  it('route.path false shares answers across prefixes and query strings', async () => {
    const h = await startHarness({ 'route.path': false });
    try {
      await ask(h, '/v1/chat/completions');
      assert.equal((await ask(h, '/openai/v1/chat/completions?x=1')).headers['x-semantic-cache'], 'hit-exact');
    } finally {
      await h.close();
    }
  });
});
