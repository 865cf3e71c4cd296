import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from './harness.ts';

const IDLE_SECONDS = 600;

describe('the namespace table under invented model names, through the real gRPC and HTTP ports', () => {
  let h: Harness;
  let clock = 1_000_000;
  const ask = (model: string, prompt = 'What does a namespace hold?', headers: Record<string, string> = {}) =>
    h.envoy.send({ path: '/v1/chat/completions', headers, body: JSON.stringify({ model, messages: [{ role: 'user', content: prompt }] }) });
  const metric = async (reason: string): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${h.server.httpPort}/metrics`)).text();
    const m = new RegExp(`^semcache_namespace_refusals_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };

  before(async () => {
    h = await startHarness({ maxNamespaces: 3, allowedModels: ['gpt-*', 'llama-3'], namespaceIdleSeconds: IDLE_SECONDS }, { now: () => clock });
  });
  after(async () => { await h.close(); });

  it('passes a model outside the allow-list through, creates no namespace for it, and counts the refusal', async () => {
    const res = await ask('made-up-model');
    assert.equal(res.source, 'upstream');
    assert.equal(res.headers['x-semantic-cache'], 'bypass');
    assert.equal(h.server.engine.namespaces.find('made-up-model'), undefined);
    assert.equal(await metric('model-not-allowed'), 1);
    assert.equal((await ask('llama-3')).headers['x-semantic-cache'], 'miss', 'an exact name on the list is cached');
  });

  it('refuses a real new model while invented ones fill the table, then reclaims the idle empty ones', async () => {
    for (const junk of ['gpt-junk-1', 'gpt-junk-2']) await ask(junk, 'filler', { 'x-semantic-cache': 'no-store' });
    assert.equal(h.server.engine.namespaces.size, 3);
    const refused = await ask('gpt-real');
    assert.equal(refused.headers['x-semantic-cache'], 'bypass');
    assert.equal(await metric('limit'), 1);

    clock += (IDLE_SECONDS + 1) * 1000;
    assert.equal((await ask('gpt-real')).headers['x-semantic-cache'], 'miss', 'an idle empty namespace gave its slot back');
    assert.equal((await ask('gpt-real')).headers['x-semantic-cache'], 'hit-exact');
    assert.ok(h.server.engine.namespaces.find('llama-3'), 'a namespace with entries is never reclaimed');
  });

  it('deletes a namespace through the admin API: gone from the list, the next request starts afresh', async () => {
    const base = `http://127.0.0.1:${h.server.httpPort}/api/namespaces`;
    const res = await fetch(`${base}/gpt-real`, { method: 'DELETE', headers: { 'x-requested-by': 'test' } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { namespace: 'gpt-real', removed: 1 });
    assert.equal((await fetch(`${base}/gpt-real`)).status, 404);
    assert.equal((await ask('gpt-real')).headers['x-semantic-cache'], 'miss');
  });
});
