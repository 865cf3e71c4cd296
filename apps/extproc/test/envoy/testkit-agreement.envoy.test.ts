import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { ProcessingResponse } from '@semcache/proto';
import { allEnvoys, EnvoyClient, FakeUpstream, REPO_ROOT, startEnvoy, type EnvoyProcess } from '@semcache/testkit';
import { startRecordingProcessor, type Answer, type RecordingProcessor } from './recording-processor.ts';

/**
 * The testkit's EnvoyClient stands in for Envoy in the fast tests. Here real Envoy (on deploy/envoy.yaml) and
 * the client face the same bare processor giving the same replies, and must come out the same.
 */
interface Seen { status: number; contentType: string | null; probe: string | null; body: string; modelCalled: boolean }

const BODY = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
/** The listener's per_connection_buffer_limit_bytes as shipped. */
const LIMIT = Number(/per_connection_buffer_limit_bytes: (\d+)/.exec(readFileSync(`${REPO_ROOT}deploy/envoy.yaml`, 'utf8'))![1]);
const only = (phase: string, reply: ProcessingResponse): Answer => (p) => (p === phase ? reply : null);

const CASES: [string, Answer][] = [
  ['an immediate response without status or content-type: 200, text/plain', only('request_headers', { immediate_response: { body: Buffer.from('{"a":1}') } } as ProcessingResponse)],
  ['an immediate response with status 100: 200', only('request_headers', { immediate_response: { status: { code: 100 }, body: Buffer.from('x') } })],
  ['a header set with value only arrives empty', only('response_headers', { response_headers: { response: { header_mutation: { set_headers: [{ header: { key: 'x-probe', value: 'v' } }] } } } })],
  ['a header set with value and raw_value: raw_value wins, no error', only('response_headers', { response_headers: { response: { header_mutation: { set_headers: [{ header: { key: 'x-probe', value: 'v', raw_value: Buffer.from('r') } }] } } } })],
  ['a replaced body under a stale content-length (BUFFERED_PARTIAL, as shipped): Envoy drops the content-length', only('response_body', { response_body: { response: { body_mutation: { body: Buffer.from('short') } } } })],
  ['a reply of the wrong kind: the processor is dropped, the model answers', only('request_body', { response_headers: { response: {} } })],
  ['a replaced body with content-length removed', only('response_body', { response_body: { response: { header_mutation: { remove_headers: ['content-length'] }, body_mutation: { body: Buffer.from('short') } } } })],
];

for (const binary of allEnvoys()) {
  describe(`the testkit's EnvoyClient agrees with Envoy ${binary.version}`, () => {
    let processor: RecordingProcessor;
    let upstream: FakeUpstream;
    let envoy: EnvoyProcess;
    let client: EnvoyClient;
    before(async () => {
      processor = await startRecordingProcessor();
      upstream = await new FakeUpstream().start();
      envoy = await startEnvoy({ binary, cachePort: processor.port, modelPort: upstream.port });
      // As deploy/envoy.yaml configures Envoy: failure_mode_allow, graceful close.
      client = new EnvoyClient({ target: `127.0.0.1:${processor.port}`, upstream: upstream.url, failureModeAllow: true, closeMode: 'half-close', bufferLimitBytes: LIMIT });
    });
    after(async () => {
      client.close();
      await envoy.stop();
      await processor.close();
      await upstream.close();
    });

    const viaEnvoy = async (): Promise<Seen> => {
      const calls = upstream.calls.length;
      const r = await fetch(`${envoy.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
      const body = await r.text();
      return { status: r.status, contentType: r.headers.get('content-type'), probe: r.headers.get('x-probe'), body, modelCalled: upstream.calls.length > calls };
    };
    const viaTestkit = async (): Promise<Seen> => {
      const calls = upstream.calls.length;
      const r = await client.send({ path: '/v1/chat/completions', body: BODY });
      return { status: r.status, contentType: r.headers['content-type'] ?? null, probe: r.headers['x-probe'] ?? null, body: r.status === 500 ? '' : r.body.toString(), modelCalled: upstream.calls.length > calls };
    };

    for (const [name, answer] of CASES) {
      it(name, async () => {
        processor.answer = answer;
        const real = await viaEnvoy();
        const ours = await viaTestkit();
        // The model's answers are numbered per call; compare them without the number.
        const unnumbered = (s: Seen) => ({ ...s, body: s.body.replace(/chatcmpl-\d+|Answer #\d+|"created":\d+/g, '') });
        assert.deepEqual(unnumbered(ours), unnumbered(real));
      });
    }

    it('the same messages in the same order: raw_value headers only, no request_body for a GET, an empty last chunk for a streamed body', async () => {
      processor.answer = (phase) => (phase === 'response_headers'
        ? { response_headers: { response: {} }, mode_override: { request_header_mode: 'SEND', response_header_mode: 'SEND', request_body_mode: 'NONE', response_body_mode: 'STREAMED' } }
        : null);
      upstream.handler = () => ({ chunks: ['data: {"a":1}\n\n', 'data: [DONE]\n\n'], chunkDelayMs: 20 });
      const shape = () => processor.streams.at(-1)!.messages.map((m) => `${m.phase}${m.endOfStream ? '(end)' : ''}${m.headerFields.length ? `[${m.headerFields.join()}]` : ''}${m.phase.endsWith('body') && !m.bodyBytes ? '(empty)' : ''}`);
      await (await fetch(`${envoy.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY })).text();
      const realStreamed = shape();
      await client.send({ path: '/v1/chat/completions', body: BODY });
      assert.deepEqual(shape(), realStreamed);
      assert.deepEqual(realStreamed, [
        'request_headers[raw_value]', 'request_body(end)', 'response_headers[raw_value]', 'response_body', 'response_body', 'response_body(end)(empty)',
      ]);

      upstream.handler = upstream.answer;
      await (await fetch(`${envoy.url}/v1/models`)).text();
      const realGet = shape();
      await client.send({ method: 'GET', path: '/v1/models' });
      assert.deepEqual(shape(), realGet);
      assert.deepEqual(realGet[0], 'request_headers(end)[raw_value]');
    });

    it('a request body past the buffer limit (BUFFERED_PARTIAL, as shipped): its first part without end_of_stream, then the whole body to the model', async () => {
      processor.answer = () => null;
      // Three times the limit: Envoy sends what it holds when its buffer fills, up to one client read (as much again) past it.
      const big = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(3 * LIMIT) }] });
      const shape = () => processor.streams.at(-1)!.messages.map((m) => {
        if (m.phase !== 'request_body') return m.phase;
        if (m.endOfStream) return 'request_body(end)';
        return m.bodyBytes >= LIMIT && m.bodyBytes < big.length ? 'request_body(first part)' : `request_body(${m.bodyBytes} bytes)`;
      });
      const calls = upstream.calls.length;
      const real = await fetch(`${envoy.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      await real.text();
      const realShape = shape();
      const ours = await client.send({ path: '/v1/chat/completions', body: big });
      assert.deepEqual([real.status, ours.status], [200, 200]);
      assert.equal(upstream.calls.length, calls + 2);
      for (const call of upstream.calls.slice(-2)) assert.equal(JSON.stringify(call.body), big);
      assert.deepEqual(shape(), realShape);
      assert.deepEqual(realShape, ['request_headers', 'request_body(first part)', 'response_headers', 'response_body']);
    });

    it('with the graceful-close flag on (as shipped) Envoy half-closes each stream, as the client does in half-close mode', async () => {
      processor.answer = () => null;
      await (await fetch(`${envoy.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY })).text();
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(processor.streams.at(-1)!.events[0], 'half-close');
      await client.send({ path: '/v1/chat/completions', body: BODY });
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(processor.streams.at(-1)!.events[0], 'half-close');
    });
  });
}
