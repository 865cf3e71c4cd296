import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiError } from '@semcache/shared';
import { MemoryAdmin } from './testing/memory-admin.ts';
import { testApp } from './testing/test-app.ts';

describe('the admin app', () => {
  it('serves an OpenAPI document generated from the schemas, without a token', async () => {
    const res = await testApp().call('GET', '/api/openapi.json', { token: null });
    assert.equal(res.status, 200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>>; components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> } };
    assert.equal(doc.openapi, '3.1.0');
    for (const path of ['/api/namespaces', '/api/namespaces/{namespace}', '/api/namespaces/{namespace}/entries/{id}', '/api/lookups/stream',
      '/api/namespaces/{namespace}/near-misses', '/api/namespaces/{namespace}/similarity-histogram',
      '/api/namespaces/{namespace}/threshold-preview', '/api/namespaces/{namespace}/labels']) {
      assert.ok(doc.paths[path], `${path} is documented`);
    }
    assert.ok(doc.paths['/api/namespaces/{namespace}']!.patch!.requestBody, 'request bodies are documented');
    assert.ok(doc.components.schemas.ApiError);
    assert.ok(doc.components.securitySchemes.bearer);
  });

  it('answers unknown paths under /api with a JSON 404', async () => {
    const res = await testApp().call('GET', '/api/nothing/here');
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as ApiError).error.code, 'not_found');
  });

  it('refuses a body over the limit with 413 before reading it', async () => {
    const t = testApp(undefined, { maxBodyBytes: 1024 });
    const res = await t.call('POST', '/api/namespaces/gpt-test/probe', { body: { prompt: 'x'.repeat(2000) } });
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as ApiError).error.code, 'payload_too_large');
  });

  it('turns an internal failure into a 500 without the stack, and logs it', async () => {
    const admin = new MemoryAdmin().addNamespace('gpt-test');
    admin.listNamespaces = () => { throw new Error('index corrupted at /var/lib/secret'); };
    const t = testApp(admin);
    const res = await t.call('GET', '/api/namespaces');
    assert.equal(res.status, 500);
    const text = await res.text();
    assert.deepEqual(JSON.parse(text), { error: { code: 'internal', message: 'internal error', field: null, issues: [] } });
    assert.ok(!text.includes('secret'));
    assert.equal(t.logger.lines.filter((l) => l.level === 'error').length, 1);
  });
});
