import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExtProcConnection } from '@semcache/testkit';
import { startHarness } from './harness.ts';

const header = (key: string, value: string) => ({ key, raw_value: Buffer.from(value, 'latin1') });

/** An Envoy with request_body_mode STREAMED: the body arrives in chunks, each answered before the next. */
async function sendStreamed(target: string, body: Buffer, chunkBytes: number): Promise<void> {
  const connection = new ExtProcConnection(target, () => {});
  try {
    const stream = connection.open();
    stream.send({
      request_headers: {
        headers: { headers: [header(':method', 'POST'), header(':path', '/v1/chat/completions'), header('content-type', 'application/json')] },
        end_of_stream: false,
      },
    });
    assert.ok((await stream.next(2000)).request_headers);
    for (let at = 0; at < body.length; at += chunkBytes) {
      const end = Math.min(body.length, at + chunkBytes);
      stream.send({ request_body: { body: body.subarray(at, end), end_of_stream: end === body.length } });
      assert.ok((await stream.next(2000)).request_body, 'one continue per chunk');
    }
    await connection.end(stream, 'reset');
  } finally {
    connection.close();
  }
}

const chat = (padding: number): Buffer =>
  Buffer.from(JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'A streamed question' }], metadata: { pad: 'x'.repeat(padding) } }));

describe('request body limits (real server)', () => {
  it('STREAMED: stops collecting chunks past the largest body it accepts, and passes the request through', async () => {
    const h = await startHarness({ 'grpc.maxReceiveMessageBytes': 256 * 1024 });
    const target = `127.0.0.1:${h.server.grpcPort}`;
    try {
      await sendStreamed(target, chat(1024 * 1024), 64 * 1024);
      assert.equal(h.server.admin.recentLookups({}).length, 0, 'no lookup for a body over the cap');
      const metrics = await (await fetch(`http://127.0.0.1:${h.server.httpPort}/metrics`)).text();
      assert.match(metrics, /semcache_requests_uncacheable_total\{reason="too-large"\} 1/);

      await sendStreamed(target, chat(100 * 1024), 64 * 1024);
      assert.equal(h.server.admin.recentLookups({}).length, 1, 'a streamed body under the cap is looked up');
    } finally {
      await h.close();
    }
  });

  it('BUFFERED_PARTIAL (as shipped): a body past Envoy\'s buffer comes as its first part; the request goes on whole, uncached, and is counted', async () => {
    const h = await startHarness({}, {}, { bufferLimitBytes: 64 * 1024, failureModeAllow: false });
    try {
      const big = chat(200 * 1024).toString('utf8');
      for (let i = 1; i <= 2; i++) {
        const r = await h.envoy.send({ path: '/v1/chat/completions', body: big });
        assert.equal(r.status, 200);
        assert.equal(r.source, 'upstream', 'never served from the cache');
        assert.equal(r.headers['x-semantic-cache'], undefined);
        assert.equal(JSON.stringify(h.upstream.calls.at(-1)!.body), big, 'the model gets the whole body');
        const metrics = await (await fetch(`http://127.0.0.1:${h.server.httpPort}/metrics`)).text();
        assert.match(metrics, new RegExp(`semcache_requests_uncacheable_total\\{reason="too-large"\\} ${i}`));
      }
      assert.equal(h.upstream.calls.length, 2);
      assert.equal(h.server.admin.recentLookups({}).length, 0);
      assert.deepEqual(h.envoy.failures, []);
      const small = await h.chat('A short question');
      assert.equal(small.headers['x-semantic-cache'], 'miss', 'a body within the buffer is looked up as before');
    } finally {
      await h.close();
    }
  });

  it('a body within Envoy\'s buffer but over grpc.maxReceiveMessageBytes fails the stream: Envoy goes on only with failure_mode_allow', async () => {
    const limit = 64 * 1024;
    const big = chat(2 * limit).toString('utf8');
    const allowing = await startHarness({ 'grpc.maxReceiveMessageBytes': limit }, {}, { failureModeAllow: true });
    const strict = await startHarness({ 'grpc.maxReceiveMessageBytes': limit }, {}, { failureModeAllow: false });
    try {
      const passed = await allowing.envoy.send({ path: '/v1/chat/completions', body: big });
      assert.equal(passed.source, 'upstream');
      assert.equal(passed.headers['x-semantic-cache'], undefined, 'the cache never saw the body');
      assert.ok(allowing.envoy.failures.length > 0);
      const failed = await strict.envoy.send({ path: '/v1/chat/completions', body: big });
      assert.equal(failed.source, 'envoy');
      assert.equal(failed.status, 500);
    } finally {
      await allowing.close();
      await strict.close();
    }
  });
});
