import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { messagesStream, newestEnvoy, responsesStream } from '@semcache/testkit';
import { startEnvoyStack, type EnvoyStack } from './envoy-stack.ts';

const binary = newestEnvoy();
const TEXT = 'A Service gives a set of Pods one stable address and spreads requests across them.';

/** Resolves when the first event has reached the client; the upstream holds its last chunk until then. */
function holdLastChunk(events: string[]) {
  let firstSeen!: () => void;
  const seen = new Promise<void>((resolve) => { firstSeen = resolve; });
  const state = { held: null as 'released' | 'timed out' | null };
  const beforeChunk = async (index: number): Promise<void> => {
    if (index !== events.length - 1) return;
    // Had Envoy or the cache buffered the answer, the client would see nothing until the end: time out.
    state.held = await Promise.race([seen.then(() => 'released' as const), new Promise<'timed out'>((r) => setTimeout(() => r('timed out'), 3000))]);
  };
  return { beforeChunk, firstSeen, state };
}

describe(`Envoy ${binary.version} on deploy/envoy.yaml: Messages, Responses and embeddings`, () => {
  let s: EnvoyStack;
  let anthropic: Anthropic;
  before(async () => {
    s = await startEnvoyStack(binary);
    anthropic = new Anthropic({ baseURL: s.envoy.url, apiKey: 'test-key', maxRetries: 0 });
  });
  after(async () => { await s.close(); });

  it('Messages: a streamed miss reaches the client as it is written, then its SSE replay is read by messages.stream', async () => {
    const ask = { model: 'claude-test', max_tokens: 200, system: 'Be brief.', messages: [{ role: 'user' as const, content: 'What is a Kubernetes Service?' }] };
    const events = messagesStream({ text: TEXT, id: 'msg_envoy', pieces: 5 });
    const gate = holdLastChunk(events);
    s.upstream.handler = () => ({ chunks: events, beforeChunk: gate.beforeChunk });
    const { data, response } = await anthropic.messages.create({ ...ask, stream: true }).withResponse();
    assert.equal(response.headers.get('x-semantic-cache'), 'miss');
    let text = '';
    for await (const e of data) {
      gate.firstSeen();
      if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
    }
    assert.equal(gate.state.held, 'released');
    assert.equal(text, TEXT);
    s.upstream.handler = s.upstream.answer;
    const calls = s.upstream.calls.length;

    const stream = anthropic.messages.stream(ask);
    const final = await stream.finalMessage();
    const { response: hit } = await stream.withResponse();
    assert.equal(hit.headers.get('x-semantic-cache'), 'hit-exact');
    assert.equal(hit.headers.get('content-type'), 'text/event-stream');
    assert.equal(final.id, 'msg_envoy');
    assert.equal(final.content[0]?.type === 'text' && final.content[0].text, TEXT);
    assert.equal(s.upstream.calls.length, calls, 'the model was not asked again');
  });

  it('Responses: a streamed miss is stored from response.completed, and its SSE replay is read by the openai stream', async () => {
    const ask = { model: 'gpt-test', instructions: 'Be brief.', input: 'What is a Kubernetes Service?' };
    const events = responsesStream({ text: TEXT, id: 'resp_envoy', instructions: 'Be brief.' });
    const gate = holdLastChunk(events);
    s.upstream.handler = () => ({ chunks: events, beforeChunk: gate.beforeChunk });
    const { data, response } = await s.openai.responses.create({ ...ask, stream: true }).withResponse();
    assert.equal(response.headers.get('x-semantic-cache'), 'miss');
    let last = '';
    for await (const e of data) {
      gate.firstSeen();
      last = e.type;
    }
    assert.equal(gate.state.held, 'released');
    assert.equal(last, 'response.completed');
    s.upstream.handler = s.upstream.answer;
    const calls = s.upstream.calls.length;

    const stream = s.openai.responses.stream(ask);
    let text = '';
    stream.on('response.output_text.delta', (e) => { text += e.delta; });
    const final = await stream.finalResponse();
    assert.equal(final.id, 'resp_envoy');
    assert.equal(final.output_text, TEXT);
    assert.equal(text, TEXT);
    assert.equal(s.upstream.calls.length, calls, 'the model was not asked again');
  });

  it('embeddings: an exact repeat is answered by the cache with the same bytes', async () => {
    const body = { model: 'text-embedding-test', input: ['alpha', 'beta'], encoding_format: 'base64' };
    const first = await s.post('/v1/embeddings', body);
    assert.equal(first.headers.get('x-semantic-cache'), 'miss');
    const bytes = Buffer.from(await first.arrayBuffer());
    const again = await s.post('/v1/embeddings', body);
    assert.equal(again.headers.get('x-semantic-cache'), 'hit-exact');
    assert.match(again.headers.get('content-type') ?? '', /^application\/json/);
    assert.ok(Buffer.from(await again.arrayBuffer()).equals(bytes));
    // The openai client asks for base64 when no encoding is given, and decodes it: the same entry.
    const { data: vectors, response } = await s.openai.embeddings.create({ model: 'text-embedding-test', input: ['alpha', 'beta'] }).withResponse();
    assert.equal(response.headers.get('x-semantic-cache'), 'hit-exact');
    assert.equal(vectors.data.length, 2);
    assert.equal(vectors.data[0]!.embedding.length, 8);
  });
});
