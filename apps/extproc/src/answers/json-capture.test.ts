import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseCapture } from './choose-capture.ts';
import { JsonCapture } from './json-capture.ts';

const answer = JSON.stringify({
  id: 'cmpl-1', object: 'text_completion', created: 1, model: 'm',
  choices: [{ index: 0, text: 'Hi', finish_reason: 'stop' }], usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
});

function capture(body: string, max = 1 << 20) {
  const c = new JsonCapture('completions', max, 'application/json; charset=utf-8');
  const bytes = Buffer.from(body);
  c.push(bytes.subarray(0, 10));
  c.push(bytes.subarray(10));
  return c.finish();
}

describe('JsonCapture', () => {
  it('stores the upstream document as sent, with its content-type and usage', () => {
    const r = capture(answer);
    assert.equal(r.answer?.response, answer);
    assert.equal(r.answer?.contentType, 'application/json; charset=utf-8');
    assert.deepEqual(r.usage, { promptTokens: 2, completionTokens: 1, totalTokens: 3 });
    assert.equal(r.answer?.modelRevision, 'm');
    assert.equal(r.answer?.systemFingerprint, null);
  });

  it('records the revision and system fingerprint the upstream names, and none that is not a short string', () => {
    const revised = (extra: Record<string, unknown>) => capture(JSON.stringify({ ...JSON.parse(answer), ...extra })).answer;
    const a = revised({ model: 'gpt-4o-2024-08-06', system_fingerprint: 'fp_44709d6fcb' });
    assert.deepEqual([a?.modelRevision, a?.systemFingerprint], ['gpt-4o-2024-08-06', 'fp_44709d6fcb']);
    const b = revised({ model: 'x'.repeat(257), system_fingerprint: 7 });
    assert.deepEqual([b?.modelRevision, b?.systemFingerprint], [null, null]);
  });

  it('stores no error object nor broken JSON, but still reports usage that is there', () => {
    const r = capture(JSON.stringify({ error: { message: 'x' }, usage: { prompt_tokens: 2, total_tokens: 2 } }));
    assert.equal(r.answer, null);
    assert.equal(r.reason, 'not-an-answer');
    assert.deepEqual(r.usage, { promptTokens: 2, completionTokens: 0, totalTokens: 2 });
    assert.equal(capture('{"choices": [').reason, 'not-an-answer');
  });

  it('lets go of a body over the cap', () => {
    const r = capture(answer, 20);
    assert.equal(r.answer, null);
    assert.equal(r.reason, 'too-large');
  });
});

describe('chooseCapture', () => {
  const head = { status: 200, contentType: 'application/json', contentEncoding: 'identity', endOfStream: false };
  it('reads JSON whole and SSE streamed', () => {
    assert.equal((chooseCapture(head, 'chat', 100) as JsonCapture).streamed, false);
    const sse = chooseCapture({ ...head, contentType: 'text/event-stream; charset=utf-8' }, 'chat', 100);
    assert.equal(typeof sse === 'object' && sse.streamed, true);
  });

  it('says why it leaves a response alone', () => {
    assert.equal(chooseCapture({ ...head, status: 500 }, 'chat', 100), 'status');
    assert.equal(chooseCapture({ ...head, contentType: 'text/plain' }, 'chat', 100), 'content-type');
    assert.equal(chooseCapture({ ...head, contentEncoding: 'gzip' }, 'chat', 100), 'content-encoding');
    assert.equal(chooseCapture({ ...head, endOfStream: true }, 'chat', 100), 'empty-body');
  });

  it('leaves a JSON answer whose content-length is over the cap unread; one within it, or without one, is read', () => {
    assert.equal(chooseCapture({ ...head, contentLength: 101 }, 'chat', 100), 'too-large');
    assert.equal(typeof chooseCapture({ ...head, contentLength: 100 }, 'chat', 100), 'object');
    assert.equal(typeof chooseCapture({ ...head, contentLength: null }, 'chat', 100), 'object');
  });
});
