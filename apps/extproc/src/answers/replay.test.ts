import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StreamAssembler } from './stream-assembler.ts';
import { readReplayOptions } from './openai-wire.ts';
import { packText } from '../cache/packed-text.ts';
import { renderAnswer } from './replay.ts';

const chat = JSON.stringify({
  id: 'chatcmpl-1', object: 'chat.completion', created: 1_700_000_000, model: 'gpt-test',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Pods are the smallest unit.' }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 6, total_tokens: 9 },
});
const completion = JSON.stringify({
  id: 'cmpl-1', object: 'text_completion', created: 1_700_000_000, model: 'gpt-test',
  choices: [{ index: 0, text: 'Pods.', logprobs: null, finish_reason: 'length' }],
});

function events(body: Buffer): unknown[] {
  const text = body.toString('utf8');
  assert.ok(text.endsWith('data: [DONE]\n\n'));
  return text.split('\n\n').filter((e) => e.startsWith('data: {')).map((e) => JSON.parse(e.slice(6)));
}

describe('replaying a stored answer', () => {
  it('reads stream and include_usage from the request', () => {
    assert.deepEqual(readReplayOptions({ stream: true, stream_options: { include_usage: true } }), { stream: true, includeUsage: true });
    assert.deepEqual(readReplayOptions({ stream: false, stream_options: { include_usage: true } }), { stream: false, includeUsage: false });
    assert.deepEqual(readReplayOptions({ stream: true, stream_options: 'x' }), { stream: true, includeUsage: false });
  });

  it('serves the stored JSON document as it is to a stream: false request', () => {
    const r = renderAnswer({ endpoint: 'chat', response: packText(chat), contentType: 'application/json; charset=utf-8' }, { stream: false, includeUsage: false });
    assert.equal(r?.contentType, 'application/json; charset=utf-8');
    assert.equal(r?.body.toString('utf8'), chat);
  });

  it('renders chat.completion.chunk events that reassemble to the same answer, usage only when asked', () => {
    const plain = renderAnswer({ endpoint: 'chat', response: packText(chat), contentType: 'application/json' }, { stream: true, includeUsage: false });
    assert.equal(plain?.contentType, 'text/event-stream');
    const evs = events(plain!.body) as { object: string; usage?: unknown; choices: unknown[] }[];
    assert.ok(evs.every((e) => e.object === 'chat.completion.chunk' && !('usage' in e)));

    const withUsage = renderAnswer({ endpoint: 'chat', response: packText(chat), contentType: 'application/json' }, { stream: true, includeUsage: true });
    const uevs = events(withUsage!.body) as { usage: unknown; choices: unknown[] }[];
    assert.ok(uevs.slice(0, -1).every((e) => e.usage === null));
    assert.deepEqual(uevs.at(-1), { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-test', choices: [], usage: { prompt_tokens: 3, completion_tokens: 6, total_tokens: 9 } });

    // The round trip: what we render is what we would store from it.
    const a = new StreamAssembler('chat', 1 << 20);
    a.push(withUsage!.body);
    assert.deepEqual(JSON.parse(a.finish().answer!.response), JSON.parse(chat));
  });

  it('renders a text completion as text_completion events', () => {
    const r = renderAnswer({ endpoint: 'completions', response: packText(completion), contentType: 'application/json' }, { stream: true, includeUsage: true });
    const evs = events(r!.body) as { object: string; choices: { text: string; finish_reason: string | null }[] }[];
    assert.ok(evs.every((e) => e.object === 'text_completion'));
    assert.equal(evs.map((e) => e.choices[0]?.text).join(''), 'Pods.');
    assert.equal(evs.at(-1)?.choices[0]?.finish_reason, 'length');
  });

  it('serves an answer outside Latin-1 byte for byte, and as SSE with the same text', () => {
    const text = 'Ça dépend — “pods” sont 東京の 😀';
    const doc = JSON.stringify({ ...JSON.parse(chat), choices: [{ index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: 'stop' }] });
    const plain = renderAnswer({ endpoint: 'chat', response: packText(doc), contentType: 'application/json' }, { stream: false, includeUsage: false });
    assert.deepEqual(plain?.body, Buffer.from(doc, 'utf8'));
    const sse = renderAnswer({ endpoint: 'chat', response: packText(doc), contentType: 'application/json' }, { stream: true, includeUsage: false });
    const deltas = events(sse!.body) as { choices: { delta: { content?: string } }[] }[];
    assert.equal(deltas.map((e) => e.choices[0]?.delta.content ?? '').join(''), text);
  });

  it('gives null for a stored document that cannot be replayed as SSE', () => {
    assert.equal(renderAnswer({ endpoint: 'chat', response: packText('not json'), contentType: 'application/json' }, { stream: true, includeUsage: false }), null);
  });
});
