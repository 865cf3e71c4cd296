import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiError } from '@semcache/shared';
import { createAdminApp } from '../app.ts';
import { MemoryAdmin } from '../testing/memory-admin.ts';
import { ADMIN_TOKEN, READ_TOKEN, RecordingLogger, testApp, TOKENS } from '../testing/test-app.ts';
import { findToken } from './bearer-auth.ts';

/** Every route that changes something, with a request that would succeed given the admin token. */
const WRITES: [string, string, unknown?][] = [
  ['PATCH', '/api/namespaces/gpt-test', { threshold: 0.5 }],
  ['POST', '/api/namespaces/gpt-test/flush'],
  ['DELETE', '/api/namespaces/gpt-test'],
  ['DELETE', '/api/namespaces/gpt-test/entries/0000000000000001'],
  ['DELETE', '/api/namespaces/gpt-test/entries?text=a'],
  ['POST', '/api/namespaces/gpt-test/labels', { lookupId: 'x', verdict: 'same' }],
  ['DELETE', '/api/namespaces/gpt-test/labels/x'],
  ['POST', '/api/namespaces/gpt-test/evictions', { text: 'a' }],
  ['POST', '/api/namespaces/gpt-test/epoch'],
];

describe('findToken', () => {
  it('finds the token presented and nothing else', () => {
    assert.equal(findToken(TOKENS, ADMIN_TOKEN)?.name, 'ops');
    assert.equal(findToken(TOKENS, READ_TOKEN)?.role, 'read');
    assert.equal(findToken(TOKENS, `${ADMIN_TOKEN}x`), null);
    assert.equal(findToken(TOKENS, ADMIN_TOKEN.slice(0, -1)), null);
    assert.equal(findToken(TOKENS, ''), null);
  });
});

describe('bearer auth', () => {
  it('refuses a request without a token or with an unknown one with 401', async () => {
    const t = testApp();
    const none = await t.call('GET', '/api/namespaces', { token: null });
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.equal(((await none.json()) as ApiError).error.code, 'unauthorized');
    assert.equal((await t.call('GET', '/api/namespaces', { token: 'not-a-token-at-all' })).status, 401);
    const basic = await t.call('GET', '/api/namespaces', { token: null, headers: { authorization: `Basic ${ADMIN_TOKEN}` } });
    assert.equal(basic.status, 401);
  });

  it('lets a read token read and probe', async () => {
    const t = testApp();
    for (const path of ['/api/namespaces', '/api/namespaces/gpt-test', '/api/namespaces/gpt-test/entries', '/api/lookups',
      '/api/namespaces/gpt-test/near-misses', '/api/namespaces/gpt-test/similarity-histogram',
      '/api/namespaces/gpt-test/threshold-preview?threshold=0.5', '/api/namespaces/gpt-test/labels']) {
      assert.equal((await t.call('GET', path, { token: READ_TOKEN })).status, 200, path);
    }
    const probe = await t.call('POST', '/api/namespaces/gpt-test/probe', { token: READ_TOKEN, body: { prompt: 'hi' } });
    assert.equal(probe.status, 200);
  });

  it('refuses every change with a read token (403) and without a token (401), and changes nothing', async () => {
    const t = testApp();
    t.admin.addEntry('gpt-test', 'a');
    for (const [method, path, body] of WRITES) {
      const read = await t.call(method, path, { token: READ_TOKEN, body });
      assert.equal(read.status, 403, `${method} ${path}`);
      assert.equal(((await read.json()) as ApiError).error.code, 'forbidden');
      assert.equal((await t.call(method, path, { token: null, body })).status, 401, `${method} ${path}`);
    }
    assert.equal(t.admin.entries.length, 1);
    assert.equal(t.admin.settings.get('gpt-test')!.threshold, 0.8);
    assert.deepEqual(t.logger.audits(), []);
  });

  it('guards every non-GET operation of the OpenAPI document except the probe', async () => {
    const t = testApp();
    const doc = (await (await t.call('GET', '/api/openapi.json', { token: null })).json()) as { paths: Record<string, Record<string, unknown>> };
    const writes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).filter((m) => m !== 'get' && !path.endsWith('/probe')).map((m) => `${m.toUpperCase()} ${path}`));
    const covered = WRITES.map(([m, p]) => `${m} ${p.split('?')[0]!.replace('gpt-test', '{namespace}').replace(/entries\/\w+$/, 'entries/{id}').replace(/labels\/x$/, 'labels/{lookupId}')}`);
    assert.deepEqual(writes.sort(), [...new Set(covered)].sort());
  });

  it('with no token configured lets every request through as "local"', async () => {
    const admin = new MemoryAdmin().addNamespace('gpt-test');
    const logger = new RecordingLogger();
    const app = createAdminApp({ admin, tokens: [], logger });
    const res = await app.request('/api/namespaces/gpt-test', {
      method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ threshold: 0.7 }),
    });
    assert.equal(res.status, 200);
    assert.equal(logger.audits()[0]!.by, 'local');
  });
});
