import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EnvoyClient, type ClientTls } from '@semcache/testkit';
import { startHarness, type Harness } from './harness.ts';
import { makeTestPki, type TestPki } from './test-certs.ts';

describe('mTLS on the ext_proc port, through the real gRPC server', () => {
  let pki: TestPki;
  let h: Harness;
  const clients: EnvoyClient[] = [];

  before(async () => {
    pki = makeTestPki();
    h = await startHarness(
      { 'grpc.tls': { certFile: pki.file('server.crt'), keyFile: pki.file('server.key'), clientCaFile: pki.file('ca.crt') } },
      {},
      { tls: { ca: pki.pem('ca.crt'), cert: pki.pem('client.crt'), key: pki.pem('client.key') } },
    );
  });
  after(async () => {
    for (const c of clients) c.close();
    await h.close();
    pki.remove();
  });

  const clientWith = (tls: ClientTls | undefined): EnvoyClient => {
    const c = new EnvoyClient({ target: `127.0.0.1:${h.server.grpcPort}`, upstream: h.upstream.url, messageTimeoutMs: 2000, ...(tls ? { tls } : {}) });
    clients.push(c);
    return c;
  };

  it('serves a client whose certificate the configured CA signed: a miss, then a hit', async () => {
    const first = await h.chat('How do I rotate a TLS certificate?');
    assert.equal(first.headers['x-semantic-cache'], 'miss');
    const second = await h.chat('How do I rotate a TLS certificate?');
    assert.equal(second.headers['x-semantic-cache'], 'hit-exact');
  });

  const ask = (c: EnvoyClient) =>
    c.send({ path: '/v1/chat/completions', body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'How do I rotate a TLS certificate?' }] }) });

  it('refuses a TLS client without a certificate: no stream reaches the cache', async () => {
    const before = h.server.admin.recentLookups({}).length;
    const res = await ask(clientWith({ ca: pki.pem('ca.crt') }));
    assert.equal(res.source, 'envoy');
    assert.notEqual(res.error, null);
    assert.equal(h.server.admin.recentLookups({}).length, before, 'no lookup was made for it');
  });

  it('refuses a client certificate signed by another CA', async () => {
    const before = h.server.admin.recentLookups({}).length;
    const res = await ask(clientWith({ ca: pki.pem('ca.crt'), cert: pki.pem('rogue-client.crt'), key: pki.pem('rogue-client.key') }));
    assert.equal(res.source, 'envoy');
    assert.equal(h.server.admin.recentLookups({}).length, before);
  });

  it('refuses a plaintext client', async () => {
    const res = await ask(clientWith(undefined));
    assert.equal(res.source, 'envoy');
    assert.notEqual(res.error, null);
  });
});
