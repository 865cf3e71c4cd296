import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { EvictionResult } from '@semcache/shared';
import { messagesAnswer, messagesStream, responsesStream, type EnvoyResponse } from '@semcache/testkit';
import { adminApi } from './admin-http.ts';
import { json, startHarness, type Harness } from './harness.ts';

const TEXT = 'DNS turns host names into IP addresses, so that people can use names instead of numbers.';

/** An SDK's HTTP through the Envoy-faithful client and the real gRPC server instead of the network. */
function viaEnvoy(h: Harness, seen: EnvoyResponse[]): typeof fetch {
  return async (url, init) => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const res = await h.envoy.send({ path: new URL(String(url)).pathname, body: String(init?.body), headers });
    seen.push(res);
    return new Response(new Uint8Array(res.body), { status: res.status, headers: res.headers });
  };
}

describe('more endpoints through the real gRPC server, read by the official SDKs', () => {
  let h: Harness;
  let seen: EnvoyResponse[];
  let anthropic: Anthropic;
  let openai: OpenAI;
  before(async () => {
    h = await startHarness();
    anthropic = new Anthropic({ apiKey: 'x', baseURL: 'http://127.0.0.1', maxRetries: 0, fetch: viaEnvoy(h, (seen = [])) });
    openai = new OpenAI({ apiKey: 'x', baseURL: 'http://127.0.0.1/v1', maxRetries: 0, fetch: viaEnvoy(h, seen) });
  });
  after(async () => { await h.close(); });
  beforeEach(() => {
    seen.length = 0;
    h.upstream.handler = h.upstream.answer;
  });

  const last = () => seen.at(-1)!;
  const calls = () => h.upstream.calls.length;

  describe('Anthropic Messages (/v1/messages)', () => {
    const ask = (question: string, extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {}) =>
      ({ model: 'claude-test', max_tokens: 256, system: 'Answer in one sentence.', messages: [{ role: 'user' as const, content: question }], ...extra });

    it('a JSON answer is stored, and a paraphrase is answered from it by messages.create and messages.stream', async () => {
      h.upstream.handler = () => ({ body: messagesAnswer({ text: TEXT, id: 'msg_json1', usage: { input_tokens: 14, output_tokens: 19 } }) });
      const first = await anthropic.messages.create(ask('What does DNS do?'));
      assert.equal(last().source, 'upstream');
      assert.equal(last().headers['x-semantic-cache'], 'miss');
      assert.equal(last().headers['x-openai-total-tokens'], '33');
      assert.equal(first.content[0]?.type === 'text' && first.content[0].text, TEXT);

      const hit = await anthropic.messages.create(ask('what does dns do'));
      assert.equal(last().source, 'immediate');
      assert.equal(last().headers['x-semantic-cache'], 'hit-semantic');
      assert.equal(last().headers['x-openai-total-tokens'], '0');
      assert.equal(last().headers['x-semantic-cache-tokens-saved'], '33');
      assert.deepEqual(hit, first, 'the SDK reads the same message');

      const stream = anthropic.messages.stream(ask('What does DNS do'));
      const deltas: string[] = [];
      stream.on('text', (t) => deltas.push(t));
      const final = await stream.finalMessage();
      assert.equal(last().headers['content-type'], 'text/event-stream');
      assert.equal(last().headers['x-semantic-cache'], 'hit-semantic');
      assert.equal(deltas.join(''), TEXT);
      assert.equal(final.id, 'msg_json1');
      assert.equal(final.stop_reason, 'end_turn');
      assert.deepEqual(final.usage, first.usage);
      assert.equal(calls(), 1, 'the model was called once');
    });

    it('a streamed answer is passed on, stored once complete, and served as JSON and as raw SSE events', async () => {
      h.upstream.handler = () => ({ chunks: messagesStream({ text: TEXT, id: 'msg_sse1', pieces: 6 }) });
      const events: string[] = [];
      for await (const e of await anthropic.messages.create({ ...ask('How does HTTPS keep data private?'), stream: true })) events.push(e.type);
      assert.equal(last().source, 'upstream');
      assert.equal(events.at(-1), 'message_stop');
      const before = calls();

      const json = await anthropic.messages.create(ask('How does HTTPS keep data private?'));
      assert.equal(last().headers['x-semantic-cache'], 'hit-exact');
      assert.equal(json.id, 'msg_sse1');
      assert.equal(json.content[0]?.type === 'text' && json.content[0].text, TEXT);

      let text = '';
      let stop: string | null = null;
      for await (const e of await anthropic.messages.create({ ...ask('How does HTTPS keep data private?'), stream: true })) {
        if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
        if (e.type === 'message_delta') stop = e.delta.stop_reason;
      }
      assert.equal(last().source, 'immediate');
      assert.equal(text, TEXT);
      assert.equal(stop, 'end_turn');
      assert.equal(calls(), before);
    });

    it("a streamed answer records its message_start's model, so eviction by that revision finds it", async () => {
      h.upstream.handler = () => ({ chunks: messagesStream({ text: TEXT, id: 'msg_sse2', model: 'claude-test-20260101' }) });
      for await (const _ of await anthropic.messages.create({ ...ask('What is a TCP handshake?'), stream: true }));
      const select = (dryRun: boolean) => adminApi<EvictionResult>(h, 'POST', '/namespaces/claude-test/evictions', { modelRevision: 'claude-test-20260101', dryRun });
      assert.deepEqual((await select(true)).sample.map((e) => [e.prompt, e.modelRevision]), [['What is a TCP handshake?', 'claude-test-20260101']]);
      assert.equal((await select(false)).evicted.length, 1);
      const n = calls();
      await anthropic.messages.create(ask('What is a TCP handshake?'));
      assert.equal(last().source, 'upstream', 'evicted: the model answers again');
      assert.equal(calls(), n + 1);
    });

    it('another system prompt, earlier turn, max_tokens or anthropic-beta never hits; a tool call is not stored', async () => {
      await anthropic.messages.create(ask('What is a subnet mask?'));
      const n = calls();
      await anthropic.messages.create(ask('What is a subnet mask?', { system: 'Answer like a pirate.' }));
      await anthropic.messages.create(ask('What is a subnet mask?', { max_tokens: 10 }));
      await anthropic.messages.create(ask('', { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }, { role: 'user', content: 'What is a subnet mask?' }] }));
      await anthropic.messages.create(ask('What is a subnet mask?'), { headers: { 'anthropic-beta': 'some-beta-2026-01-01' } });
      assert.equal(calls(), n + 4);
      assert.ok(seen.slice(-4).every((r) => r.source === 'upstream'));
      await anthropic.messages.create(ask('What is a subnet mask?'));
      assert.equal(last().headers['x-semantic-cache'], 'hit-exact');

      h.upstream.handler = () => ({ body: messagesAnswer({ text: 'Let me look.', toolUse: true }) });
      const tools = [{ name: 'get_weather', description: 'weather', input_schema: { type: 'object' as const, properties: {} } }];
      await anthropic.messages.create(ask('Weather in Paris?', { tools }));
      await anthropic.messages.create(ask('Weather in Paris?', { tools }));
      assert.equal(calls(), n + 6, 'a tool_use answer is asked again');
    });
  });

  describe('OpenAI Responses (/v1/responses)', () => {
    it('a JSON answer is stored, and a paraphrase is answered from it by responses.create and a stream', async () => {
      const first = await openai.responses.create({ model: 'gpt-test', instructions: 'Be brief.', input: 'What does a load balancer do?', metadata: { run: 'one' } });
      assert.equal(last().headers['x-semantic-cache'], 'miss');
      const n = calls();

      const hit = await openai.responses.create({ model: 'gpt-test', instructions: 'Be brief.', input: 'what does a load balancer do', metadata: { run: 'two' } });
      assert.equal(last().headers['x-semantic-cache'], 'hit-semantic');
      assert.equal(hit.id, first.id);
      assert.equal(hit.output_text, first.output_text);
      assert.deepEqual(hit.metadata, { run: 'two' }, "this request's metadata, not the first client's");

      const stream = openai.responses.stream({ model: 'gpt-test', instructions: 'Be brief.', input: 'What does a load balancer do' });
      let text = '';
      stream.on('response.output_text.delta', (e) => { text += e.delta; });
      const final = await stream.finalResponse();
      assert.equal(last().headers['content-type'], 'text/event-stream');
      assert.equal(last().headers['x-semantic-cache'], 'hit-semantic');
      assert.equal(text, first.output_text);
      assert.equal(final.output_text, first.output_text);
      assert.equal(final.status, 'completed');
      assert.deepEqual(final.usage, first.usage);
      assert.equal(last().headers['x-semantic-cache-tokens-saved'], String(first.usage?.total_tokens));
      assert.equal(calls(), n);
    });

    it('a streamed answer is stored from response.completed and served as JSON', async () => {
      h.upstream.handler = () => ({ chunks: responsesStream({ text: TEXT, id: 'resp_sse1', instructions: 'Be brief.' }) });
      const types: string[] = [];
      for await (const e of await openai.responses.create({ model: 'gpt-test', instructions: 'Be brief.', input: 'What is DNS for?', stream: true })) types.push(e.type);
      assert.equal(types.at(-1), 'response.completed');
      const n = calls();
      const json = await openai.responses.create({ model: 'gpt-test', instructions: 'Be brief.', input: [{ role: 'user', content: 'What is DNS for?' }] });
      assert.equal(last().headers['x-semantic-cache'], 'hit-exact');
      assert.equal(json.id, 'resp_sse1');
      assert.equal(json.output_text, TEXT);
      assert.equal(calls(), n);
    });

    it("a streamed answer records its response's model, so eviction by that revision finds it", async () => {
      h.upstream.handler = () => ({ chunks: responsesStream({ text: TEXT, id: 'resp_sse2', model: 'gpt-test-2026-01-01' }) });
      for await (const _ of await openai.responses.create({ model: 'gpt-test', input: 'What is a TCP handshake?', stream: true }));
      const found = await adminApi<EvictionResult>(h, 'POST', '/namespaces/gpt-test/evictions', { modelRevision: 'gpt-test-2026-01-01', dryRun: true });
      assert.deepEqual(found.sample.map((e) => e.prompt), ['What is a TCP handshake?']);
    });

    it('other instructions or previous_response_id never hit', async () => {
      const q = 'Why is the sky blue?';
      await openai.responses.create({ model: 'gpt-test', input: q, previous_response_id: 'resp_a' });
      const n = calls();
      await openai.responses.create({ model: 'gpt-test', input: q, previous_response_id: 'resp_b' });
      await openai.responses.create({ model: 'gpt-test', input: q });
      await openai.responses.create({ model: 'gpt-test', input: q, previous_response_id: 'resp_a', instructions: 'Answer as a poem.' });
      assert.equal(calls(), n + 3);
      await openai.responses.create({ model: 'gpt-test', input: q, previous_response_id: 'resp_a' });
      assert.equal(last().headers['x-semantic-cache'], 'hit-exact');
      assert.equal(calls(), n + 3);
    });
  });

  describe('embeddings (/v1/embeddings), exact only', () => {
    it('the same model and input return the stored vectors byte for byte; a near input, other dimensions or encoding never do', async () => {
      const first = await openai.embeddings.create({ model: 'text-embedding-test', input: 'hello world' });
      assert.equal(last().source, 'upstream');
      assert.equal(last().headers['x-openai-prompt-tokens'], '3');
      const upstreamBytes = last().body;
      const again = await openai.embeddings.create({ model: 'text-embedding-test', input: 'hello world' });
      assert.equal(last().source, 'immediate');
      assert.equal(last().headers['x-semantic-cache'], 'hit-exact');
      assert.ok(last().body.equals(upstreamBytes), 'byte for byte');
      assert.equal(last().headers['x-semantic-cache-tokens-saved'], '3');
      assert.deepEqual(again.data, first.data);
      assert.equal(again.data[0]!.embedding.length, 8);
      const n = calls();

      await openai.embeddings.create({ model: 'text-embedding-test', input: 'hello  world' });
      await openai.embeddings.create({ model: 'text-embedding-test', input: 'Hello world' });
      await openai.embeddings.create({ model: 'text-embedding-test', input: 'hello world', dimensions: 4 });
      await openai.embeddings.create({ model: 'text-embedding-test', input: 'hello world', encoding_format: 'float' });
      await openai.embeddings.create({ model: 'text-embedding-test', input: ['hello world', 'bye'] });
      assert.equal(calls(), n + 5);
      assert.ok(seen.slice(-5).every((r) => r.headers['x-semantic-cache'] === 'miss'));

      const batch = await openai.embeddings.create({ model: 'text-embedding-test', input: ['hello world', 'bye'] });
      assert.equal(last().headers['x-semantic-cache'], 'hit-exact');
      assert.equal(batch.data.length, 2);
      const events = h.server.engine.log.recent({ namespace: 'text-embedding-test' });
      assert.ok(events.every((e) => e.outcome !== 'semantic' && e.embedMicros === 0), 'never embedded, never a semantic hit');
      const metrics = await (await fetch(`http://127.0.0.1:${h.server.httpPort}/metrics`)).text();
      assert.match(metrics, /semcache_semantic_skips_total\{reason="exact-only"\} 6\b/, 'each miss skipped the semantic tier');
    });
  });
});

describe('ENDPOINTS names the endpoints that are cached', () => {
  it('an endpoint left out passes through untouched, its bodies never sent to the cache', async () => {
    const h = await startHarness({ endpoints: ['chat'] });
    try {
      for (let i = 0; i < 2; i++) {
        const r = await h.envoy.send({ path: '/v1/embeddings', body: JSON.stringify({ model: 'e', input: 'hello' }) });
        assert.equal(r.source, 'upstream');
        assert.equal(r.headers['x-semantic-cache'], undefined);
      }
      assert.equal(h.upstream.calls.length, 2);
      assert.equal((await h.chat('What is DNS?')).headers['x-semantic-cache'], 'miss');
    } finally {
      await h.close();
    }
  });
});

describe('the new endpoints keep their answers apart and across a restart', () => {
  const requests = [
    { path: '/v1/messages', headers: { 'anthropic-version': '2023-06-01' }, body: JSON.stringify({ model: 'claude-test', max_tokens: 50, messages: [{ role: 'user', content: 'What is TLS?' }] }) },
    { path: '/v1/responses', body: JSON.stringify({ model: 'gpt-test', input: 'What is TLS?' }) },
    { path: '/v1/embeddings', body: JSON.stringify({ model: 'embed-test', input: 'What is TLS?' }) },
  ];

  it("one tenant's answer is never served to another", async () => {
    const h = await startHarness({ tenantHeader: 'x-tenant' });
    try {
      for (const r of requests) {
        const as = (tenant: string) => h.envoy.send({ ...r, headers: { ...r.headers, 'x-tenant': tenant } });
        const acme = await as('acme');
        const globex = await as('globex');
        assert.equal(acme.headers['x-semantic-cache'], 'miss', r.path);
        assert.equal(globex.headers['x-semantic-cache'], 'miss', r.path);
        const again = await as('acme');
        assert.equal(again.headers['x-semantic-cache'], 'hit-exact', r.path);
        assert.deepEqual(json(again.body), json(acme.body), r.path);
        assert.notDeepEqual(json(again.body), json(globex.body), r.path);
      }
      assert.equal(h.upstream.calls.length, requests.length * 2);
    } finally {
      await h.close();
    }
  });

  it('are stored in the data directory and answered from it after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'semcache-endpoints-'));
    try {
      const first = await startHarness({ 'store.persist': true, 'store.dataDir': dir });
      const bodies: Buffer[] = [];
      for (const r of requests) bodies.push((await first.envoy.send(r)).body);
      await first.close();
      const second = await startHarness({ 'store.persist': true, 'store.dataDir': dir });
      try {
        for (const [i, r] of requests.entries()) {
          const res = await second.envoy.send(r);
          assert.equal(res.headers['x-semantic-cache'], 'hit-exact', r.path);
          assert.deepEqual(json(res.body), json(bodies[i]!), r.path);
        }
        assert.equal(second.upstream.calls.length, 0);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
