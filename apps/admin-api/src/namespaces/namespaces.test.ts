import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiError, NamespaceDetail, NamespaceInfo, NamespaceList } from '@semcache/shared';
import { lookupEvent } from '../testing/lookup-events.ts';
import { READ_TOKEN, testApp } from '../testing/test-app.ts';

describe('namespaces routes', () => {
  it('lists namespaces with settings and stats', async () => {
    const t = testApp();
    t.admin.addNamespace('llama');
    const res = await t.call('GET', '/api/namespaces');
    assert.equal(res.status, 200);
    const body = (await res.json()) as NamespaceList;
    assert.deepEqual(body.items.map((n) => n.name), ['gpt-test', 'llama']);
    assert.equal(body.items[0]!.settings.threshold, 0.8);
  });

  it('reads one namespace with the threshold its labels suggest', async () => {
    const t = testApp();
    const same = lookupEvent({ namespace: 'gpt-test', similarity: 0.75 });
    const different = lookupEvent({ namespace: 'gpt-test', similarity: 0.55 });
    t.admin.record(same);
    t.admin.record(different);
    t.admin.labelLookup('gpt-test', { lookupId: same.id, verdict: 'same', by: 'ops' });
    t.admin.labelLookup('gpt-test', { lookupId: different.id, verdict: 'different', by: 'ops' });
    const body = (await (await t.call('GET', '/api/namespaces/gpt-test')).json()) as NamespaceDetail;
    assert.equal(body.name, 'gpt-test');
    assert.ok(Math.abs(body.suggestion.threshold! - 0.65) < 1e-12);
    assert.equal(body.suggestion.labels, 2);
    assert.equal(body.suggestion.currentCorrect, 1);
  });

  it('answers 404 with a JSON error for an unknown namespace', async () => {
    const res = await testApp().call('GET', '/api/namespaces/nope');
    assert.equal(res.status, 404);
    const body = (await res.json()) as ApiError;
    assert.equal(body.error.code, 'not_found');
    assert.match(body.error.message, /nope/);
  });

  it('finds a namespace whose name holds a slash or a tenant when it is percent-encoded', async () => {
    const t = testApp();
    t.admin.addNamespace('meta-llama/Llama-3|acme');
    const res = await t.call('GET', `/api/namespaces/${encodeURIComponent('meta-llama/Llama-3|acme')}`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as NamespaceInfo).name, 'meta-llama/Llama-3|acme');
  });

  it('changes settings live and writes an audit line with who, old and new', async () => {
    const t = testApp();
    const res = await t.call('PATCH', '/api/namespaces/gpt-test', { body: { threshold: 0.9, enabled: false } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as NamespaceInfo;
    assert.equal(body.settings.threshold, 0.9);
    assert.equal(t.admin.settings.get('gpt-test')!.enabled, false);
    assert.deepEqual(t.logger.audits(), [{
      by: 'ops', action: 'namespace.settings', namespace: 'gpt-test',
      old: { threshold: 0.8, enabled: true }, new: { threshold: 0.9, enabled: false },
    }]);
    assert.ok(!JSON.stringify(t.logger.lines).includes('admin-token-'), 'the token itself is never logged');
  });

  it('sets online verification live: its error bound and exploration cap, and turns it off', async () => {
    const t = testApp();
    const on = (await (await t.call('PATCH', '/api/namespaces/gpt-test', { body: { online: true, errorBound: 0.01, maxExploreRate: 0.05 } })).json()) as NamespaceInfo;
    assert.deepEqual([on.settings.online, on.settings.errorBound, on.settings.maxExploreRate], [true, 0.01, 0.05]);
    const off = (await (await t.call('PATCH', '/api/namespaces/gpt-test', { body: { online: false } })).json()) as NamespaceInfo;
    assert.equal(off.settings.online, false);
    assert.equal(off.settings.errorBound, 0.01, 'the bound is kept for when it is turned on again');
    assert.equal(t.logger.audits().length, 2);
  });

  it('refuses bad settings with 400 naming the field, and changes nothing', async () => {
    const t = testApp();
    const cases: [unknown, string | null][] = [
      [{ threshold: 1.5 }, 'threshold'],
      [{ threshold: 'high' }, 'threshold'],
      [{ ttlSeconds: 0 }, 'ttlSeconds'],
      [{ maxEntries: 2.5 }, 'maxEntries'],
      [{ colour: 'red' }, 'colour'],
      [{ errorBound: 0 }, 'errorBound'],
      [{ errorBound: 0.8 }, 'errorBound'],
      [{ maxExploreRate: 1.5 }, 'maxExploreRate'],
      [{ online: 'yes' }, 'online'],
      [{}, null],
    ];
    for (const [patch, field] of cases) {
      const res = await t.call('PATCH', '/api/namespaces/gpt-test', { body: patch });
      assert.equal(res.status, 400, JSON.stringify(patch));
      const body = (await res.json()) as ApiError;
      assert.equal(body.error.code, 'invalid_request');
      assert.equal(body.error.field, field, JSON.stringify(body));
      assert.ok(body.error.message.length > 0);
    }
    assert.deepEqual(t.admin.settings.get('gpt-test'), { threshold: 0.8, ttlSeconds: 3600, maxEntries: 100, enabled: true, guard: true, clientControls: 'read-only', maxTtlSeconds: 86400 });
    assert.deepEqual(t.logger.audits(), []);
  });

  it('refuses malformed JSON and a body that is not JSON', async () => {
    const t = testApp();
    const malformed = await t.call('PATCH', '/api/namespaces/gpt-test', { body: '{"threshold":' });
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as ApiError).error.code, 'invalid_request');
    const text = await t.call('PATCH', '/api/namespaces/gpt-test', { body: 'threshold=0.5', headers: { 'content-type': 'text/plain' } });
    assert.equal(text.status, 415);
    assert.equal(((await text.json()) as ApiError).error.code, 'unsupported_media_type');
    assert.equal(t.admin.settings.get('gpt-test')!.threshold, 0.8);
  });

  it('answers 404 when patching an unknown namespace', async () => {
    const res = await testApp().call('PATCH', '/api/namespaces/nope', { body: { threshold: 0.5 } });
    assert.equal(res.status, 404);
  });

  it('flushes a namespace and audits how many entries went', async () => {
    const t = testApp();
    t.admin.addEntry('gpt-test', 'a');
    t.admin.addEntry('gpt-test', 'b');
    const res = await t.call('POST', '/api/namespaces/gpt-test/flush');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { namespace: 'gpt-test', removed: 2 });
    assert.equal(t.admin.entries.length, 0);
    assert.deepEqual(t.logger.audits(), [{ by: 'ops', action: 'namespace.flush', namespace: 'gpt-test', old: { entries: 2 }, new: { entries: 0 } }]);
  });

  it('deletes a namespace with its entries, audits it, and then knows it no more', async () => {
    const t = testApp();
    t.admin.addEntry('gpt-test', 'a');
    const res = await t.call('DELETE', '/api/namespaces/gpt-test');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { namespace: 'gpt-test', removed: 1 });
    assert.equal((await t.call('GET', '/api/namespaces/gpt-test')).status, 404);
    assert.deepEqual(t.logger.audits(), [{ by: 'ops', action: 'namespace.delete', namespace: 'gpt-test', old: { entries: 1 }, new: null }]);
    assert.equal((await t.call('DELETE', '/api/namespaces/gpt-test')).status, 404);
    assert.equal((await testApp().call('DELETE', '/api/namespaces/gpt-test', { token: READ_TOKEN })).status, 403, 'a read token may not');
  });
});
