import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { json, startHarness } from './harness.ts';

const cc = (value: string) => ({ headers: { 'cache-control': value } });
const ttl = (value: string) => ({ headers: { 'x-semantic-cache-ttl': value } });

describe('freshness per request and per entry (real server)', () => {
  it('max-age serves only a young enough entry; read-only never lets it replace the answer others get', async () => {
    let now = 1_000_000;
    const h = await startHarness({}, { now: () => now });
    try {
      const original = await h.chat('How do I rotate my API key?');
      now += 30_000;
      const young = await h.chat('How do I rotate my API key?', {}, cc('max-age=60'));
      assert.equal(young.headers['x-semantic-cache'], 'hit-exact');
      assert.equal(young.headers.age, '30');
      const stale = await h.chat('How do I rotate my API key?', {}, cc('max-age=10'));
      assert.equal(stale.source, 'upstream');
      assert.equal(stale.headers['x-semantic-cache'], 'miss');
      assert.equal(stale.upstreamRequestHeaders?.['cache-control'], 'max-age=10', 'cache-control is the client\'s, passed on');
      const after = await h.chat('How do I rotate my API key?');
      assert.equal(after.headers['x-semantic-cache'], 'hit-exact');
      assert.deepEqual(json(after.body), json(original.body), 'the stale answer was not replaced');
      assert.equal(h.upstream.calls.length, 2);
    } finally {
      await h.close();
    }
  });

  it('max-age with clientControls all: the fresh answer replaces the old one', async () => {
    let now = 1_000_000;
    const h = await startHarness({ 'defaults.clientControls': 'all' }, { now: () => now });
    try {
      await h.chat('What changed in release 2?');
      now += 30_000;
      const fresh = await h.chat('What changed in release 2?', {}, cc('max-age=0'));
      assert.equal(fresh.source, 'upstream');
      const after = await h.chat('What changed in release 2?');
      assert.deepEqual(json(after.body), json(fresh.body));
      assert.equal(after.headers.age, '0');
      assert.equal(h.server.admin.listEntries('gpt-test', {}).total, 1);
    } finally {
      await h.close();
    }
  });

  it('no-store looks up but stores nothing', async () => {
    const h = await startHarness();
    try {
      await h.chat('Cached before', {});
      assert.equal((await h.chat('Cached before', {}, cc('no-store'))).headers['x-semantic-cache'], 'hit-exact', 'it still reads');
      for (let i = 0; i < 2; i++) assert.equal((await h.chat('Never kept', {}, cc('No-Store'))).source, 'upstream');
      assert.equal(h.server.admin.listEntries('gpt-test', {}).total, 1);
    } finally {
      await h.close();
    }
  });

  it('no-cache asks the model; only with clientControls all does its answer replace the cached one', async () => {
    for (const controls of ['read-only', 'all'] as const) {
      const h = await startHarness({ 'defaults.clientControls': controls });
      try {
        const original = await h.chat('Which regions are supported?');
        const fresh = await h.chat('Which regions are supported?', {}, cc('no-cache'));
        assert.equal(fresh.source, 'upstream', controls);
        const after = await h.chat('Which regions are supported?');
        assert.equal(after.headers['x-semantic-cache'], 'hit-exact');
        assert.deepEqual(json(after.body), json(controls === 'all' ? fresh.body : original.body), controls);
      } finally {
        await h.close();
      }
    }
  });

  it('only-if-cached answers 504 without calling the model, and is served when cached', async () => {
    const h = await startHarness();
    try {
      const miss = await h.chat('Is there a status page?', {}, cc('only-if-cached'));
      assert.equal(miss.status, 504);
      assert.equal(miss.source, 'immediate');
      assert.equal(miss.headers['content-type'], 'application/json');
      assert.equal((json(miss.body).error as { code: string }).code, 'only_if_cached');
      assert.equal(h.upstream.calls.length, 0);
      await h.chat('Is there a status page?');
      assert.equal((await h.chat('Is there a status page?', {}, cc('only-if-cached'))).status, 200);
      assert.equal(h.upstream.calls.length, 1);
    } finally {
      await h.close();
    }
  });

  it('x-semantic-cache-ttl gives the entry its own lifetime, shown on the miss and counted down on hits', async () => {
    let now = 1_000_000;
    const h = await startHarness({}, { now: () => now });
    try {
      const miss = await h.chat('Short-lived question', {}, ttl('10'));
      assert.equal(miss.headers['x-semantic-cache-ttl'], '10');
      assert.equal(miss.upstreamRequestHeaders?.['x-semantic-cache-ttl'], undefined, 'our header never reaches the model');
      now += 4_000;
      const hit = await h.chat('Short-lived question');
      assert.equal(hit.headers['x-semantic-cache-ttl'], '6');
      assert.equal(hit.headers.age, '4');
      assert.equal(hit.headers['cache-control'], 'private, max-age=10');
      now += 7_000;
      assert.equal((await h.chat('Short-lived question')).source, 'upstream', 'expired after its own 10 s');

      const plain = await h.chat('Default lifetime question');
      assert.equal(plain.headers['x-semantic-cache-ttl'], '3600');
      assert.equal((await h.chat('Default lifetime question')).headers['cache-control'], 'private, max-age=3600');
    } finally {
      await h.close();
    }
  });

  it('clamps the asked lifetime: read-only clients may only shorten it, all up to maxTtlSeconds', async () => {
    const h = await startHarness({ models: { trusted: { clientControls: 'all', maxTtlSeconds: 7200 } } });
    const ask = (model: string, seconds: string) =>
      h.envoy.send({ path: '/v1/completions', body: JSON.stringify({ model, prompt: 'Lifetime clamp question' }), ...ttl(seconds) });
    try {
      assert.equal((await ask('public', '999999')).headers['x-semantic-cache-ttl'], '3600');
      assert.equal((await ask('trusted', '999999')).headers['x-semantic-cache-ttl'], '7200');
      assert.equal((await ask('public', 'soon')).headers['x-semantic-cache'], 'hit-exact', 'a malformed value is ignored');
      const zero = await ask('other', '0');
      assert.equal(zero.headers['x-semantic-cache-ttl'], undefined, 'a lifetime of 0 stores nothing');
      assert.equal((await ask('other', '')).source, 'upstream');
    } finally {
      await h.close();
    }
  });

  it('an operator TTL change moves entries on the default lifetime, not those with their own', async () => {
    let now = 1_000_000;
    const h = await startHarness({}, { now: () => now });
    try {
      await h.chat('Own lifetime entry', {}, ttl('600'));
      await h.chat('Default lifetime entry');
      const res = await fetch(`http://127.0.0.1:${h.server.httpPort}/api/namespaces/gpt-test`, {
        method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ttlSeconds: 60 }),
      });
      assert.equal(res.status, 200);
      now += 120_000;
      assert.equal((await h.chat('Own lifetime entry')).headers['x-semantic-cache'], 'hit-exact');
      assert.equal((await h.chat('Default lifetime entry')).source, 'upstream');
    } finally {
      await h.close();
    }
  });

  it('clientControls off ignores every freshness control', async () => {
    let now = 1_000_000;
    const h = await startHarness({ 'defaults.clientControls': 'off' }, { now: () => now });
    try {
      await h.chat('Controls are off', {}, ttl('5'));
      now += 10_000;
      for (const value of ['no-cache', 'max-age=1', 'no-store']) {
        assert.equal((await h.chat('Controls are off', {}, cc(value))).headers['x-semantic-cache'], 'hit-exact', value);
      }
      assert.equal((await h.chat('Not cached here', {}, cc('only-if-cached'))).source, 'upstream');
      assert.equal(h.upstream.calls.length, 2);
    } finally {
      await h.close();
    }
  });
});
