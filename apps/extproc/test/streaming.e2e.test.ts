import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { cutInto, streamedAnswer, type EnvoyResponse, type UpstreamReply } from '@semcache/testkit';
import { startHarness, type Harness } from './harness.ts';

const TEXT = 'Kubernetes is an open-source system that automates the deployment, scaling and management of containerised applications.';
const USAGE = { prompt_tokens: 9, completion_tokens: 21, total_tokens: 30 };
const MAX_ENTRY_BYTES = 16 * 1024;

/** The official client, its HTTP going through the Envoy-faithful client instead of the network. */
function openAiVia(h: Harness, seen: EnvoyResponse[]): OpenAI {
  return new OpenAI({
    apiKey: 'x',
    baseURL: 'http://127.0.0.1/v1',
    maxRetries: 0,
    fetch: async (url, init) => {
      const res = await h.envoy.send({ path: new URL(String(url)).pathname, body: String(init?.body) });
      seen.push(res);
      return new Response(new Uint8Array(res.body), { status: res.status, headers: res.headers });
    },
  });
}

/**
 * Holds upstream chunk i until the client has received i chunks, so a processor that held chunks back would
 * show. The fallback only keeps a broken build from hanging; it is counted, never timed.
 */
function deliveryGate() {
  let received = 0;
  let heldBack = 0;
  const waiting = new Map<number, () => void>();
  return {
    onChunk: () => {
      received++;
      waiting.get(received)?.();
    },
    beforeChunk: (i: number): Promise<void> => (received >= i || heldBack > 0 ? Promise.resolve() : new Promise((resolve) => {
      const fallback = setTimeout(() => { heldBack++; resolve(); }, 5000);
      waiting.set(i, () => { clearTimeout(fallback); resolve(); });
    })),
    get heldBack() { return heldBack; },
  };
}

describe('streamed (SSE) answers through the real gRPC server', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ maxEntryBytes: MAX_ENTRY_BYTES }); });
  after(async () => { await h.close(); });

  const entries = (model: string) => h.server.admin.listEntries(model, {}).total;

  it('passes every chunk on unchanged as it arrives, stores the answer, and replays it as SSE and as JSON', async () => {
    const upstreamChunks = cutInto(streamedAnswer({ endpoint: 'chat', text: TEXT, pieces: 12 }).join(''), [37, 5, 90, 11, 64]);
    const gate = deliveryGate();
    h.upstream.handler = () => ({ chunks: upstreamChunks, beforeChunk: gate.beforeChunk });
    const first = await h.envoy.send({
      path: '/v1/chat/completions',
      body: JSON.stringify({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'What is Kubernetes' }] }),
      onChunk: gate.onChunk,
    });
    assert.equal(first.status, 200);
    assert.equal(first.source, 'upstream');
    assert.equal(first.headers['x-semantic-cache'], 'miss');
    assert.equal(first.headers['content-type'], 'text/event-stream');
    assert.equal(gate.heldBack, 0, 'each chunk reached the client before the upstream sent the next');
    assert.deepEqual(first.chunks.map((c) => c.data), upstreamChunks, 'chunk for chunk, byte for byte');
    assert.equal(h.envoy.failures.length, 0);

    const [stored] = h.server.admin.listEntries('gpt-test', {}).items;
    assert.ok(stored);
    const detail = h.server.admin.getEntry('gpt-test', stored.id);
    assert.equal((JSON.parse(detail.response) as { choices: { message: { content: string } }[] }).choices[0]?.message.content, TEXT,
      'an operator reads the answer as a completion document');

    h.upstream.handler = h.upstream.answer;
    const seen: EnvoyResponse[] = [];
    const client = openAiVia(h, seen);
    const stream = await client.chat.completions.create({
      model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'Kubernetes what is it anyway' }],
    });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(text, TEXT);
    assert.equal(finish, 'stop');
    assert.equal(seen[0]?.source, 'immediate');
    assert.equal(seen[0]?.headers['x-semantic-cache'], 'hit-semantic');
    assert.equal(seen[0]?.headers['content-type'], 'text/event-stream');

    const plain = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Kubernetes, what is it anyway?' }] });
    assert.equal(plain.choices[0]?.message.content, TEXT);
    assert.equal(plain.object, 'chat.completion');
    assert.equal(seen[1]?.source, 'immediate');
    assert.match(seen[1]?.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(h.upstream.calls.length, 1, 'the model was called once in all');
  });

  it('replays an answer first seen as JSON as SSE, honouring include_usage (text completions)', async () => {
    h.upstream.handler = () => ({ body: {
      id: 'cmpl-7', object: 'text_completion', created: 1_700_000_007, model: 'llama',
      choices: [{ index: 0, text: 'A pod is a group of containers.', logprobs: null, finish_reason: 'stop' }], usage: USAGE,
    } });
    const first = await h.envoy.send({ path: '/v1/completions', body: JSON.stringify({ model: 'llama', prompt: 'What is a pod in Kubernetes' }) });
    assert.equal(first.source, 'upstream');

    const seen: EnvoyResponse[] = [];
    const stream = await openAiVia(h, seen).completions.create({
      model: 'llama', prompt: 'In Kubernetes, what is a pod', stream: true, stream_options: { include_usage: true },
    });
    let text = '';
    let usage: unknown = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? '';
      usage = chunk.usage ?? usage;
    }
    assert.equal(seen[0]?.source, 'immediate');
    assert.equal(text, 'A pod is a group of containers.');
    assert.deepEqual(usage, USAGE);
  });

  it('keeps the stream flag out of the fingerprint: a plain request is answered by a streamed answer exactly', async () => {
    h.upstream.handler = () => ({ chunks: streamedAnswer({ endpoint: 'chat', text: 'Use kubectl get pods.', model: 'm-flag' }) });
    await h.chat('How do I list pods', { model: 'm-flag', stream: true });
    h.upstream.handler = h.upstream.answer;
    const again = await h.chat('How do I list pods', { model: 'm-flag' });
    assert.equal(again.headers['x-semantic-cache'], 'hit-exact');
    assert.equal((JSON.parse(again.body.toString('utf8')) as { choices: { message: { content: string } }[] }).choices[0]?.message.content, 'Use kubectl get pods.');
  });

  it('stores nothing from a stream cut off mid-answer, an error event, or a 500 before streaming', async () => {
    const events = streamedAnswer({ endpoint: 'chat', text: TEXT, pieces: 10 });
    const cases: [string, () => UpstreamReply][] = [
      // The delay lets the chunks leave before the connection is cut, as they would from a real server.
      ['m-cut', () => ({ chunks: events.slice(0, 5), chunkDelayMs: 2, abort: true })],
      ['m-error', () => ({ chunks: [...events.slice(0, 4), 'event: error\ndata: {"error":{"message":"model overloaded"}}\n\n', 'data: [DONE]\n\n'] })],
      ['m-500', () => ({ status: 500, body: { error: { message: 'boom', type: 'server_error' } } })],
    ];
    for (const [model, reply] of cases) {
      h.upstream.handler = reply;
      const res = await h.chat('Explain container orchestration', { model, stream: true });
      assert.equal(res.source, 'upstream', model);
      if (model === 'm-cut') {
        assert.match(res.error ?? '', /upstream reset/);
        assert.equal(res.body.toString('utf8'), events.slice(0, 5).join(''), 'what came before the cut was passed on');
      }
      assert.equal(entries(model), 0, `${model}: nothing stored`);
      h.upstream.handler = h.upstream.answer;
      assert.equal((await h.chat('Explain container orchestration', { model, stream: true })).source, 'upstream', `${model}: asked again, the model answers`);
    }
  });

  it('passes a stream over the size cap through whole, stores nothing, and keeps serving', async () => {
    const events = streamedAnswer({ endpoint: 'chat', text: 'z'.repeat(1024 * 1024), pieces: 512, model: 'm-big' });
    h.upstream.handler = () => ({ chunks: events });
    const res = await h.chat('Write a very long story', { model: 'm-big', stream: true });
    assert.equal(res.status, 200);
    assert.ok(res.chunks.length > 1, 'it streamed');
    assert.equal(res.body.toString('utf8'), events.join(''));
    assert.equal(entries('m-big'), 0);
    h.upstream.handler = h.upstream.answer;
    assert.equal((await h.chat('Still here?', { model: 'm-big' })).headers['x-semantic-cache'], 'miss');
    assert.equal(h.envoy.failures.length, 0);
  });
});
