import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { EnvoyClient, FakeUpstream } from '@semcache/testkit';
import { loadConfig } from '../src/config/load-config.ts';
import { startServer } from '../src/server.ts';

/** Every JSON log line the server writes. */
function capture(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

const deepBody = (depth: number): string =>
  `{"model":"gpt-test","messages":[{"role":"user","content":"How deep is this?"}],"metadata":${'['.repeat(depth)}${']'.repeat(depth)}}`;

describe('deeply nested JSON through the real server', () => {
  it('a 100k-deep body passes through with no error log, and is counted once per reason', async () => {
    const upstream = await new FakeUpstream().start();
    const { logger, lines } = capture();
    const config = loadConfig({}, { 'grpc.host': '127.0.0.1', 'grpc.port': 0, 'http.host': '127.0.0.1', 'http.port': 0, 'store.persist': false });
    const server = await startServer({ config, logger });
    const envoy = new EnvoyClient({ target: `127.0.0.1:${server.grpcPort}`, upstream: upstream.url, bufferLimitBytes: 8 * 1024 * 1024 });
    try {
      for (let i = 0; i < 3; i++) {
        const r = await envoy.send({ path: '/v1/chat/completions', body: deepBody(100_000) });
        assert.equal(r.status, 200);
        assert.equal(r.source, 'upstream');
      }
      const errors = lines.filter((l) => (l.level as number) >= 50);
      assert.deepEqual(errors.map((l) => l.msg), [], 'nothing logged at error level');
      assert.equal(lines.filter((l) => l.reason === 'too-deep').length, 1, 'one line for the reason, not one per request');

      const metrics = await (await fetch(`http://127.0.0.1:${server.httpPort}/metrics`)).text();
      assert.match(metrics, /semcache_requests_uncacheable_total\{reason="too-deep"\} 3/);

      const shallow = await envoy.send({ path: '/v1/chat/completions', body: deepBody(20) });
      assert.equal(shallow.headers['x-semantic-cache'], 'miss', 'ordinary nesting is still cached');
    } finally {
      envoy.close();
      await server.close();
      await upstream.close();
    }
  });
});
