import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from './harness.ts';

interface Reply {
  status: number;
  body: string;
}

/** A raw request, so that Host and Origin are exactly what a browser under attack would send. */
function raw(port: number, method: string, path: string, headers: Record<string, string>, body = ''): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('CSRF and DNS rebinding on the default (tokenless, loopback) HTTP port', () => {
  let h: Harness;
  let port: number;
  const entries = () => h.server.admin.getNamespace('gpt-test').stats.entries;

  before(async () => {
    h = await startHarness();
    port = h.server.httpPort;
    await h.chat('What is a cross-site request forgery?');
    assert.equal(entries(), 1);
  });
  after(async () => { await h.close(); });

  const local = () => ({ host: `127.0.0.1:${port}` });

  it('refuses the cross-site form POST that flushed a namespace, with or without an Origin', async () => {
    const form = { ...local(), 'content-type': 'application/x-www-form-urlencoded' };
    const withOrigin = await raw(port, 'POST', '/api/namespaces/gpt-test/flush', { ...form, origin: 'http://evil.example' }, 'x=1');
    assert.equal(withOrigin.status, 403);
    assert.match(withOrigin.body, /evil\.example/);
    const noOrigin = await raw(port, 'POST', '/api/namespaces/gpt-test/flush', { ...local(), 'content-type': 'text/plain' }, '{}');
    assert.equal(noOrigin.status, 415);
    assert.equal(entries(), 1, 'nothing was flushed');
  });

  it('refuses a foreign Origin on a JSON write', async () => {
    const res = await raw(port, 'PATCH', '/api/namespaces/gpt-test', { ...local(), 'content-type': 'application/json', origin: 'https://evil.example' }, '{"enabled":false}');
    assert.equal(res.status, 403);
    assert.equal(h.server.admin.getNamespace('gpt-test').settings.enabled, true);
  });

  it('serves nothing to a rebound name: API, dashboard and /metrics answer 421', async () => {
    for (const path of ['/api/namespaces', '/api/namespaces/gpt-test/entries', '/', '/metrics']) {
      const res = await raw(port, 'GET', path, { host: `attacker.example:${port}` });
      assert.equal(res.status, 421, path);
      assert.doesNotMatch(res.body, /cross-site request forgery/);
    }
    const flush = await raw(port, 'POST', '/api/namespaces/gpt-test/flush', { host: 'attacker.example', 'content-type': 'application/json', origin: 'http://attacker.example' }, '{}');
    assert.equal(flush.status, 421);
    assert.equal(entries(), 1);
  });

  it('still takes the dashboard\'s own requests: same origin JSON, and a bodyless change with the header', async () => {
    const patch = await raw(port, 'PATCH', '/api/namespaces/gpt-test', { ...local(), 'content-type': 'application/json', origin: `http://127.0.0.1:${port}` }, '{"threshold":0.8}');
    assert.equal(patch.status, 200, patch.body);
    const read = await raw(port, 'GET', '/api/namespaces', { host: `localhost:${port}` });
    assert.equal(read.status, 200);
    const flush = await raw(port, 'POST', '/api/namespaces/gpt-test/flush', { ...local(), 'x-requested-by': 'semcache-dashboard' });
    assert.equal(flush.status, 200, flush.body);
    assert.equal(entries(), 0);
  });
});
