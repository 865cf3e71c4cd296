import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cutInto, embeddingsAnswer, messagesAnswer, messagesStream, responsesAnswer, responsesStream } from '@semcache/testkit';
import type { AnswerCapture } from './answer-capture.ts';
import { chooseCapture } from './choose-capture.ts';
import { packText } from '../cache/packed-text.ts';
import { renderAnswer } from './replay.ts';
import { wireFormatOf } from './wire-formats.ts';

const TEXT = 'DNS maps names to addresses, so that people need not remember numbers.';
const head = { status: 200, contentType: 'text/event-stream', contentEncoding: 'identity', endOfStream: false };

function capture(endpoint: 'messages' | 'responses', events: string[], sizes = [17, 3, 101]) {
  const c = chooseCapture(head, endpoint, 1 << 20) as AnswerCapture;
  assert.equal(typeof c, 'object');
  for (const chunk of cutInto(events.join(''), sizes)) c.push(chunk);
  return c.finish();
}

const eventsOf = (sse: string) => sse.split('\n\n').filter(Boolean).map((e) => {
  const [type, data] = e.split('\n');
  return { type: type!.slice('event: '.length), data: JSON.parse(data!.slice('data: '.length)) as Record<string, unknown> };
});

describe('Anthropic Messages answers', () => {
  const usage = { input_tokens: 20, output_tokens: 9, cache_read_input_tokens: 5 };

  it('assembles a stream, cut anywhere, into the document a JSON request gets, with usage', () => {
    const r = capture('messages', messagesStream({ text: TEXT, usage, pieces: 7 }));
    assert.equal(r.reason, null);
    assert.deepEqual(JSON.parse(r.answer!.response), messagesAnswer({ text: TEXT, usage }));
    assert.deepEqual(r.usage, { promptTokens: 25, completionTokens: 9, totalTokens: 34 });
  });

  it("records the model of message_start as the answer's revision, as a JSON answer's model is", () => {
    const model = 'claude-test-20260101';
    const streamed = capture('messages', messagesStream({ text: TEXT, model }));
    const json = chooseCapture({ ...head, contentType: 'application/json' }, 'messages', 1 << 20) as AnswerCapture;
    json.push(Buffer.from(JSON.stringify(messagesAnswer({ text: TEXT, model }))));
    const fromJson = json.finish().answer!;
    assert.deepEqual([streamed.answer?.modelRevision, streamed.answer?.systemFingerprint], [model, null]);
    assert.deepEqual([fromJson.modelRevision, fromJson.systemFingerprint], [model, null]);
  });

  it('renders SSE that assembles back to the same document, ending in message_stop', () => {
    const doc = messagesAnswer({ text: TEXT, usage });
    const sse = renderAnswer({ endpoint: 'messages', response: packText(JSON.stringify(doc)), contentType: 'application/json' }, { stream: true, includeUsage: false });
    assert.equal(sse?.contentType, 'text/event-stream');
    const evs = eventsOf(sse!.body.toString());
    assert.deepEqual(evs.map((e) => e.type), ['message_start', 'ping', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    assert.ok(evs.every((e) => e.data.type === e.type));
    assert.deepEqual(JSON.parse(capture('messages', [sse!.body.toString()]).answer!.response), doc);
  });

  it('replays thinking blocks with their signatures, and redacted thinking as it was', () => {
    const doc = { ...messagesAnswer({ text: TEXT }), content: [
      { type: 'thinking', thinking: 'The user asks about DNS.', signature: 'sig-abc' }, { type: 'redacted_thinking', data: 'opaque' }, { type: 'text', text: TEXT },
    ] };
    const sse = renderAnswer({ endpoint: 'messages', response: packText(JSON.stringify(doc)), contentType: 'application/json' }, { stream: true, includeUsage: false });
    const deltas = eventsOf(sse!.body.toString()).filter((e) => e.type === 'content_block_delta').map((e) => (e.data.delta as { type: string }).type);
    assert.deepEqual(deltas, ['thinking_delta', 'signature_delta', 'text_delta']);
    assert.deepEqual(JSON.parse(capture('messages', [sse!.body.toString()]).answer!.response), doc);
  });

  it('stores no tool call, unfinished stream, error event or other stop reason, and still reports usage', () => {
    const tool = capture('messages', messagesStream({ text: TEXT, toolUse: true }));
    assert.equal(tool.reason, 'not-an-answer');
    assert.deepEqual(tool.usage, { promptTokens: 12, completionTokens: 9, totalTokens: 21 });
    assert.equal(capture('messages', messagesStream({ text: TEXT, stop: false })).reason, 'incomplete');
    const broken = [...messagesStream({ text: TEXT }).slice(0, 4), 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n'];
    assert.equal(capture('messages', broken).reason, 'error-event');
    assert.equal(capture('messages', messagesStream({ text: TEXT, stopReason: 'pause_turn' })).reason, 'not-an-answer');
    const wire = wireFormatOf('messages');
    assert.equal(wire.storable(messagesAnswer({ text: TEXT })), true);
    assert.equal(wire.storable(messagesAnswer({ text: TEXT, toolUse: true })), false);
    assert.equal(wire.storable({ type: 'error', error: { type: 'overloaded_error' } }), false);
    assert.equal(wire.storable({ ...messagesAnswer({ text: TEXT }), content: [{ type: 'text', text: 'x', citations: [{ cited_text: 'y' }] }] }), false);
  });
});

describe('OpenAI Responses answers', () => {
  it('stores the response of response.completed, cut anywhere', () => {
    const r = capture('responses', responsesStream({ text: TEXT, instructions: 'Be brief.' }));
    assert.equal(r.reason, null);
    assert.deepEqual(JSON.parse(r.answer!.response), responsesAnswer({ text: TEXT, instructions: 'Be brief.' }));
    assert.deepEqual(r.usage, { promptTokens: 11, completionTokens: 8, totalTokens: 19 });
    assert.equal(capture('responses', responsesStream({ text: TEXT, model: 'gpt-test-2026-01-01' })).answer?.modelRevision, 'gpt-test-2026-01-01');
  });

  it('renders numbered events ending in response.completed that assemble back to the same response', () => {
    const doc = responsesAnswer({ text: TEXT });
    const sse = renderAnswer({ endpoint: 'responses', response: packText(JSON.stringify(doc)), contentType: 'application/json' }, { stream: true, includeUsage: false });
    const evs = eventsOf(sse!.body.toString());
    assert.equal(evs[0]?.type, 'response.created');
    assert.equal(evs.at(-1)?.type, 'response.completed');
    assert.deepEqual(evs.map((e) => e.data.sequence_number), evs.map((_, i) => i));
    assert.equal(evs.filter((e) => e.type === 'response.output_text.delta').map((e) => e.data.delta).join(''), TEXT);
    assert.deepEqual(JSON.parse(capture('responses', [sse!.body.toString()]).answer!.response), doc);
  });

  it("replaces the echoed request fields with this request's, keeping the rest", () => {
    const doc = responsesAnswer({ text: TEXT, metadata: { who: 'first' }, user: 'first-user' });
    const want = wireFormatOf('responses').replayOptions({ model: 'm', input: 'q', metadata: { who: 'second' } });
    const r = renderAnswer({ endpoint: 'responses', response: packText(JSON.stringify(doc)), contentType: 'application/json' }, want);
    assert.deepEqual(JSON.parse(r!.body.toString()), { ...doc, metadata: { who: 'second' }, user: null });
  });

  it('stores no failed, incomplete, cut-short or tool-calling response', () => {
    assert.equal(capture('responses', responsesStream({ text: TEXT, end: 'failed' })).reason, 'error-event');
    assert.equal(capture('responses', responsesStream({ text: TEXT, end: 'none' })).reason, 'incomplete');
    assert.equal(capture('responses', responsesStream({ text: TEXT, functionCall: true })).reason, 'not-an-answer');
    const wire = wireFormatOf('responses');
    assert.equal(wire.storable(responsesAnswer({ text: TEXT })), true);
    assert.equal(wire.storable({ ...responsesAnswer({ text: TEXT }), status: 'incomplete' }), false);
    assert.equal(wire.storable({ ...responsesAnswer({ text: TEXT }), error: { code: 'x' } }), false);
  });
});

describe('embeddings answers', () => {
  it('are stored as sent and never read as SSE', () => {
    const wire = wireFormatOf('embeddings');
    assert.equal(wire.storable(embeddingsAnswer({ input: ['a', 'b'] }, 0)), true);
    assert.equal(wire.storable(embeddingsAnswer({ input: 'a', encoding_format: 'base64' }, 0)), true);
    assert.equal(wire.storable({ object: 'list', data: [] }), false);
    assert.equal(wire.storable({ error: { message: 'x' } }), false);
    assert.deepEqual(wire.usage(embeddingsAnswer({ input: 'abcdefgh' }, 0)), { promptTokens: 2, completionTokens: 0, totalTokens: 2 });
    assert.equal(chooseCapture(head, 'embeddings', 100), 'content-type');
    const raw = `${JSON.stringify(embeddingsAnswer({ input: 'a' }, 0))}\n`;
    assert.equal(renderAnswer({ endpoint: 'embeddings', response: packText(raw), contentType: 'application/json' }, wire.replayOptions({ stream: true }))?.body.toString(), raw);
  });
});
