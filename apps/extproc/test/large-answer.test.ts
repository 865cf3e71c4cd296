import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { EnvoyClient, FakeUpstream, type UpstreamReply } from '@semcache/testkit';
import { loadConfig } from '../src/config/load-config.ts';
import { startServer } from '../src/server.ts';

const LIMIT = 64 * 1024;

describe('an answer larger than Envoy\'s buffer (the testkit client, as real Envoy does in large-body.envoy.test.ts)', () => {
  it('passes to the client whole and uncached under BUFFERED_PARTIAL; the same answer within the buffer is stored', async () => {
    const upstream = await new FakeUpstream().start();
    let length = 2 * LIMIT;
    upstream.handler = (call) => {
      const answer = (upstream.answer(call) as UpstreamReply).body as { choices: { message: { content: string } }[] };
      answer.choices[0]!.message.content = 'x'.repeat(length);
      return { body: answer };
    };
    const config = loadConfig({}, { 'grpc.host': '127.0.0.1', 'grpc.port': 0, 'http.host': '127.0.0.1', 'http.port': 0, 'store.persist': false });
    const server = await startServer({ config, logger: pino({ level: 'silent' }) });
    const envoy = new EnvoyClient({ target: `127.0.0.1:${server.grpcPort}`, upstream: upstream.url, bufferLimitBytes: LIMIT });
    try {
      for (let i = 0; i < 2; i++) {
        const r = await envoy.send({ path: '/v1/chat/completions', body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'A long one' }] }) });
        assert.equal(r.status, 200);
        assert.equal(r.headers['x-semantic-cache'], 'miss');
        assert.equal((JSON.parse(r.body.toString()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content.length, 2 * LIMIT);
      }
      const metrics = await (await fetch(`http://127.0.0.1:${server.httpPort}/metrics`)).text();
      assert.match(metrics, /semcache_store_skips_total\{reason="too-large"\} 2/);
      length = LIMIT / 2;
      const ask = () => envoy.send({ path: '/v1/chat/completions', body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'A short one' }] }) });
      assert.equal((await ask()).headers['x-semantic-cache'], 'miss');
      assert.equal((await ask()).headers['x-semantic-cache'], 'hit-exact');
      assert.deepEqual(envoy.failures, []);
    } finally {
      envoy.close();
      await server.close();
      await upstream.close();
    }
  });
});
