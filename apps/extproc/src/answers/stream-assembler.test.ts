import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cutInto, streamedAnswer } from '@semcache/testkit';
import { StreamAssembler } from './stream-assembler.ts';

const TEXT = 'Kubernetes is an open-source system for automating deployment, scaling and management of containers.';
const USAGE = { prompt_tokens: 11, completion_tokens: 19, total_tokens: 30 };

function assemble(chunks: (string | Buffer)[], endpoint: 'chat' | 'completions' = 'chat', max = 1 << 20) {
  const a = new StreamAssembler(endpoint, max);
  for (const c of chunks) a.push(Buffer.from(c));
  return a.finish();
}

const doc = (response: string | undefined) => JSON.parse(response ?? 'null') as {
  object: string; model: string; id: string;
  choices: { message?: { role: string; content: string | null; tool_calls?: unknown[] }; text?: string; finish_reason: string }[];
  usage?: unknown;
};

describe('StreamAssembler', () => {
  it('assembles a chat stream cut at odd places, with CRLF, into one completion document with usage', () => {
    const stream = streamedAnswer({ endpoint: 'chat', text: TEXT, usage: USAGE, lineEnd: '\r\n' }).join('');
    const r = assemble(cutInto(stream, [5, 17, 1, 64, 3]));
    assert.equal(r.reason, null);
    const d = doc(r.answer?.response);
    assert.equal(d.object, 'chat.completion');
    assert.equal(d.id, 'chatcmpl-stream');
    assert.equal(d.model, 'gpt-test');
    assert.deepEqual(d.choices[0]?.message, { role: 'assistant', content: TEXT });
    assert.equal(d.choices[0]?.finish_reason, 'stop');
    assert.deepEqual(d.usage, USAGE);
    assert.deepEqual(r.usage, { promptTokens: 11, completionTokens: 19, totalTokens: 30 });
    assert.equal(r.answer?.contentType, 'application/json');
    assert.equal(r.answer?.modelRevision, 'gpt-test', "the chunks' model: the revision that wrote it");
  });

  it('reads several events per chunk and a streamed text completion', () => {
    const r = assemble([streamedAnswer({ endpoint: 'completions', text: TEXT }).join('')], 'completions');
    const d = doc(r.answer?.response);
    assert.equal(d.object, 'text_completion');
    assert.equal(d.choices[0]?.text, TEXT);
    assert.equal(r.usage, null);
  });

  it('accepts a final finish_reason without [DONE] as a clean end', () => {
    const r = assemble(streamedAnswer({ endpoint: 'chat', text: TEXT, done: false }));
    assert.equal(r.reason, null);
    assert.equal(doc(r.answer?.response).choices[0]?.message?.content, TEXT);
  });

  it('refuses a stream cut off mid-answer', () => {
    const events = streamedAnswer({ endpoint: 'chat', text: TEXT, done: false, finishReason: null });
    const r = assemble(events.slice(0, 4));
    assert.equal(r.answer, null);
    assert.equal(r.reason, 'incomplete');
  });

  it('refuses a stream with an error event, in either of the forms servers send', () => {
    const events = streamedAnswer({ endpoint: 'chat', text: TEXT });
    for (const error of ['event: error\ndata: {"message":"overloaded"}\n\n', 'data: {"error":{"message":"overloaded","type":"server_error"}}\n\n']) {
      const r = assemble([...events.slice(0, 3), error, ...events.slice(3)]);
      assert.equal(r.answer, null);
      assert.equal(r.reason, 'error-event');
    }
  });

  it('refuses data that is not JSON', () => {
    assert.equal(assemble(['data: hello\n\n', 'data: [DONE]\n\n']).reason, 'not-an-answer');
  });

  it('merges streamed tool calls by index, arguments in pieces', () => {
    const head = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm' };
    const ev = (choice: unknown) => `data: ${JSON.stringify({ ...head, choices: [choice] })}\n\n`;
    const r = assemble([
      ev({ index: 0, delta: { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'weather', arguments: '' } }] }, finish_reason: null }),
      ev({ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }, finish_reason: null }),
      ev({ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }, finish_reason: null }),
      ev({ index: 0, delta: {}, finish_reason: 'tool_calls' }),
      'data: [DONE]\n\n',
    ]);
    const message = doc(r.answer?.response).choices[0]?.message;
    assert.equal(message?.content, null);
    assert.deepEqual(message?.tool_calls, [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }]);
  });

  it('past the size cap: lets the text go at once, stores nothing, still reads the final usage', () => {
    const max = 4096;
    const a = new StreamAssembler('chat', max);
    const events = streamedAnswer({ endpoint: 'chat', text: 'y'.repeat(200_000), pieces: 2000, usage: USAGE });
    for (const e of events) {
      a.push(Buffer.from(e));
      assert.ok(a.heldChars <= max, `held ${a.heldChars} chars`);
    }
    const r = a.finish();
    assert.equal(r.answer, null);
    assert.equal(r.reason, 'too-large');
    assert.deepEqual(r.usage, { promptTokens: 11, completionTokens: 19, totalTokens: 30 });
  });
});
