import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newestEnvoy, streamedAnswer } from '@semcache/testkit';
import { startEnvoyStack, type EnvoyStack } from './envoy-stack.ts';

const binary = newestEnvoy();
const TEXT = 'A Pod is the smallest deployable unit: one or more containers sharing network and storage.';

describe(`Envoy ${binary.version} on deploy/envoy.yaml: streamed answers`, () => {
  let s: EnvoyStack;
  before(async () => { s = await startEnvoyStack(binary); });
  after(async () => { await s.close(); });

  const ask = () => s.openai.chat.completions.create({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'What is a Pod' }] }).withResponse();

  it('a miss reaches the client chunk by chunk while the model is still writing, and is stored', async () => {
    const events = streamedAnswer({ endpoint: 'chat', text: TEXT, pieces: 6 });
    let firstSeen!: () => void;
    const clientHasFirst = new Promise<void>((resolve) => { firstSeen = resolve; });
    let heldLastChunk: 'released' | 'timed out' | null = null;
    s.upstream.handler = () => ({
      chunks: events,
      async beforeChunk(index) {
        if (index !== events.length - 1) return;
        // If Envoy (or the cache) held the answer back, the client would see nothing until the end: time out.
        heldLastChunk = await Promise.race([clientHasFirst.then(() => 'released' as const), new Promise<'timed out'>((r) => setTimeout(() => r('timed out'), 3000))]);
      },
    });
    const { data, response } = await ask();
    assert.equal(response.headers.get('x-semantic-cache'), 'miss');
    let text = '';
    for await (const chunk of data) {
      firstSeen();
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    assert.equal(heldLastChunk, 'released', 'the first chunk reached the client before the model wrote its last');
    assert.equal(text, TEXT);
    s.upstream.handler = s.upstream.answer;
  });

  it("the next identical request is replayed as SSE that the openai client's stream iterator reads to the end", async () => {
    const calls = s.upstream.calls.length;
    const { data, response } = await ask();
    assert.equal(response.headers.get('x-semantic-cache'), 'hit-exact');
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    let text = '';
    let finish: string | null | undefined;
    for await (const chunk of data) {
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(text, TEXT);
    assert.equal(finish, 'stop');
    assert.equal(s.upstream.calls.length, calls, 'the model was not asked again');
  });

  it('the same question without stream: true is answered from the same entry as JSON', async () => {
    const r = await s.openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'What is a Pod' }] }).withResponse();
    assert.equal(r.response.headers.get('x-semantic-cache'), 'hit-exact');
    assert.equal(r.data.choices[0]!.message.content, TEXT);
  });
});
