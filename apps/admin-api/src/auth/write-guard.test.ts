import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiError } from '@semcache/shared';
import { MemoryAdmin } from '../testing/memory-admin.ts';
import { testApp } from '../testing/test-app.ts';

const FLUSH = '/api/namespaces/gpt-test/flush';

describe('writes refuse what a cross-site page can send', () => {
  const setup = () => {
    const admin = new MemoryAdmin().addNamespace('gpt-test');
    for (const p of ['a', 'b', 'c']) admin.addEntry('gpt-test', p);
    return testApp(admin);
  };

  it('refuses a form-encoded or text/plain change with 415 and changes nothing', async () => {
    const t = setup();
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const res = await t.call('POST', FLUSH, { body: 'a=1', headers: { 'content-type': type } });
      assert.equal(res.status, 415, type);
      assert.equal(((await res.json()) as ApiError).error.code, 'unsupported_media_type');
    }
    assert.equal(t.admin.getNamespace('gpt-test').stats.entries, 3);
  });

  it('refuses a bodyless change without the custom header, and takes it with the header', async () => {
    const t = setup();
    assert.equal((await t.call('POST', FLUSH, { headers: {} })).status, 415);
    const res = await t.call('POST', FLUSH, { headers: { 'x-requested-by': 'cli' } });
    assert.equal(res.status, 200);
    assert.equal(t.admin.getNamespace('gpt-test').stats.entries, 0);
  });

  it('refuses a foreign Origin even with a JSON body, and accepts its own and listed origins', async () => {
    const t = setup();
    const json = { 'content-type': 'application/json', host: '127.0.0.1:8080' };
    const foreign = await t.call('PATCH', '/api/namespaces/gpt-test', { body: { threshold: 0.5 }, headers: { ...json, origin: 'https://evil.example' } });
    assert.equal(foreign.status, 403);
    assert.match(((await foreign.json()) as ApiError).error.message, /evil\.example/);
    assert.equal((await t.call('PATCH', '/api/namespaces/gpt-test', { body: { threshold: 0.5 }, headers: { ...json, origin: 'null' } })).status, 403);
    assert.equal((await t.call('PATCH', '/api/namespaces/gpt-test', { body: { threshold: 0.5 }, headers: { ...json, origin: 'http://127.0.0.1:8080' } })).status, 200);
    const listed = testApp(new MemoryAdmin().addNamespace('gpt-test'), { allowedOrigins: ['https://ops.example.com'] });
    assert.equal((await listed.call('PATCH', '/api/namespaces/gpt-test', { body: { threshold: 0.5 }, headers: { ...json, origin: 'https://ops.example.com' } })).status, 200);
  });

  it('lets reads through without either', async () => {
    const t = setup();
    assert.equal((await t.call('GET', '/api/namespaces', { headers: { origin: 'https://evil.example' } })).status, 200);
  });
});
