import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { json, startHarness } from './harness.ts';

const control = (value: string) => ({ headers: { 'x-semantic-cache': value } });

describe('which request controls clients may use (real server)', () => {
  it('by default refresh is refused in any spelling: the cached answer stays, and the header never reaches the model', async () => {
    const h = await startHarness();
    try {
      const original = await h.chat('What is our refund policy?');
      for (const spelling of ['refresh', ' ReFresh ', 'REFRESH']) {
        const r = await h.chat('What is our refund policy?', {}, control(spelling));
        assert.equal(r.source, 'immediate', `'${spelling}' does not skip the lookup`);
        assert.equal(r.headers['x-semantic-cache'], 'hit-exact');
        assert.deepEqual(json(r.body), json(original.body));
      }
      assert.equal(h.upstream.calls.length, 1);
      assert.equal(h.server.admin.listEntries('gpt-test', {}).total, 1);

      const bypass = await h.chat('What is our refund policy?', {}, control('bypass'));
      assert.equal(bypass.source, 'upstream', 'bypass is allowed by default');
      assert.equal(bypass.upstreamRequestHeaders?.['x-semantic-cache'], undefined);
      await h.chat('A question never stored', {}, control('no-store'));
      assert.equal((await h.chat('A question never stored', {}, control('no-store'))).source, 'upstream', 'no-store is allowed by default');
      assert.equal(h.server.admin.listEntries('gpt-test', {}).total, 1);
    } finally {
      await h.close();
    }
  });

  it('all: refresh replaces the cached answer with the fresh one', async () => {
    const h = await startHarness({ 'defaults.clientControls': 'all' });
    try {
      const before = json((await h.chat('Control header question')).body);
      const refreshed = await h.chat('Control header question', {}, control('refresh'));
      assert.equal(refreshed.source, 'upstream');
      const after = await h.chat('Control header question');
      assert.equal(after.headers['x-semantic-cache'], 'hit-exact');
      assert.notDeepEqual(json(after.body), before, 'the fresh answer replaced the old one');
      assert.deepEqual(json(after.body), json(refreshed.body));
      assert.equal(h.server.admin.listEntries('gpt-test', { text: 'Control header' }).total, 1);
    } finally {
      await h.close();
    }
  });

  it('off: every control is ignored, yet the header is still removed', async () => {
    const h = await startHarness({ 'defaults.clientControls': 'off' });
    try {
      const stored = await h.chat('An ordinary question', {}, control('no-store'));
      assert.equal(stored.upstreamRequestHeaders?.['x-semantic-cache'], undefined);
      const hit = await h.chat('An ordinary question', {}, control('bypass'));
      assert.equal(hit.headers['x-semantic-cache'], 'hit-exact', 'no-store and bypass were ignored');
      assert.equal(h.upstream.calls.length, 1);
    } finally {
      await h.close();
    }
  });

  it('is a per-namespace setting, in the config file and live through the admin API', async () => {
    const h = await startHarness({ models: { trusted: { clientControls: 'all' } } });
    const ask = (model: string, value?: string) =>
      h.envoy.send({ path: '/v1/completions', body: JSON.stringify({ model, prompt: 'Which plan am I on?' }), ...(value ? control(value) : {}) });
    try {
      await ask('trusted');
      assert.equal((await ask('trusted', 'refresh')).source, 'upstream', 'the trusted model honours refresh');
      await ask('public');
      assert.equal((await ask('public', 'refresh')).source, 'immediate', 'the other model keeps the default');
      assert.equal(h.server.admin.getNamespace('public').settings.clientControls, 'read-only');

      const base = `http://127.0.0.1:${h.server.httpPort}/api/namespaces/public`;
      const bad = await fetch(base, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientControls: 'everything' }) });
      assert.equal(bad.status, 400);
      const ok = await fetch(base, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientControls: 'all' }) });
      assert.equal(ok.status, 200);
      assert.equal((await ask('public', 'refresh')).source, 'upstream', 'applied to the very next request');
      assert.equal(h.server.admin.getNamespace('public').settings.threshold, h.server.admin.getNamespace('trusted').settings.threshold);
    } finally {
      await h.close();
    }
  });
});
