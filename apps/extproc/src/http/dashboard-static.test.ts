import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { mountDashboard } from './dashboard-static.ts';

describe('the dashboard served at /', () => {
  let dir: string;
  let app: Hono;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'semcache-dash-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(join(dir, '..', 'secret.txt'), 'outside');
    app = new Hono();
    app.get('/healthz', (c) => c.json({ status: 'ok' }));
    mountDashboard(app, dir);
    // Mounted after the dashboard on purpose: the API must still answer under /api.
    app.get('/api/namespaces', (c) => c.json([]));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(join(dir, '..', 'secret.txt'), { force: true });
  });

  it('serves index.html at / with a content security policy and no caching', async () => {
    const res = await app.request('/');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.match(await res.text(), /id="root"/);
  });

  it('serves hashed assets as immutable with their type', async () => {
    const res = await app.request('/assets/index-abc123.js');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(res.headers.get('cache-control') ?? '', /immutable/);
    assert.equal(await res.text(), 'console.log(1)');
  });

  it('answers HEAD without a body', async () => {
    const res = await app.request('/assets/index-abc123.js', { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), '14');
    assert.equal(await res.text(), '');
  });

  it('falls back to index.html for client routes, but 404s a missing file', async () => {
    assert.match(await (await app.request('/some/deep/route')).text(), /id="root"/);
    assert.equal((await app.request('/assets/missing.js')).status, 404);
  });

  it('never shadows the API, metrics or probes, even for paths they do not define', async () => {
    assert.deepEqual(await (await app.request('/api/namespaces')).json(), []);
    assert.equal((await app.request('/healthz')).status, 200);
    for (const path of ['/api/nope', '/api', '/metrics', '/readyz/x']) {
      const res = await app.request(path);
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(await res.text(), /id="root"/, path);
    }
  });

  it('never serves a file outside the build directory', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await app.request(path);
      assert.doesNotMatch(await res.text(), /outside/, path);
    }
  });

  it('explains how to build the app when it is not built', async () => {
    const bare = new Hono();
    mountDashboard(bare, join(dir, 'no-such-dist'));
    const res = await bare.request('/');
    assert.equal(res.status, 503);
    assert.match(await res.text(), /npm run build --workspace @semcache\/dashboard/);
  });
});
