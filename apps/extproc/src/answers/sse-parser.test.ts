import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseParser, type SseEvent } from './sse-parser.ts';

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

function parseInPieces(pieces: (string | Buffer)[], max = 1 << 20): { events: SseEvent[]; parser: SseParser } {
  const parser = new SseParser(max);
  const events: SseEvent[] = [];
  for (const p of pieces) events.push(...parser.push(typeof p === 'string' ? bytes(p) : p));
  events.push(...parser.end());
  return { events, parser };
}

describe('SseParser', () => {
  const stream = 'data: {"a":1}\n\nevent: error\ndata: {"b":2}\n\n: a comment\ndata: line one\ndata: line two\n\ndata: [DONE]\n\n';
  const expected: SseEvent[] = [
    { type: 'message', data: '{"a":1}' },
    { type: 'error', data: '{"b":2}' },
    { type: 'message', data: 'line one\nline two' },
    { type: 'message', data: '[DONE]' },
  ];

  it('reads several events from one chunk, with event types, comments and multi-line data', () => {
    assert.deepEqual(parseInPieces([stream]).events, expected);
  });

  it('gives the same events whatever the chunk boundaries, byte by byte included', () => {
    const all = bytes(stream);
    for (const size of [1, 2, 3, 7, 13]) {
      const pieces: Buffer[] = [];
      for (let i = 0; i < all.length; i += size) pieces.push(all.subarray(i, i + size));
      assert.deepEqual(parseInPieces(pieces).events, expected, `chunks of ${size}`);
    }
  });

  it('handles CRLF and lone CR line ends, including a CRLF split across chunks', () => {
    const crlf = stream.replaceAll('\n', '\r\n');
    const at = crlf.indexOf('\r\n') + 1;
    assert.deepEqual(parseInPieces([crlf.slice(0, at), crlf.slice(at)]).events, expected);
    assert.deepEqual(parseInPieces([stream.replaceAll('\n', '\r')]).events, expected);
  });

  it('keeps a multi-byte character split across chunks intact', () => {
    const all = bytes('data: {"t":"café ☕"}\n\n');
    const cut = all.indexOf(0xe2) + 1;
    assert.deepEqual(parseInPieces([all.subarray(0, cut), all.subarray(cut)]).events, [{ type: 'message', data: '{"t":"café ☕"}' }]);
  });

  it('delivers a last event that lacks its closing blank line when the stream ends', () => {
    assert.deepEqual(parseInPieces(['data: [DONE]']).events, [{ type: 'message', data: '[DONE]' }]);
  });

  it('drops an event over the size limit, counts it, and goes on with the next', () => {
    const { events, parser } = parseInPieces([`data: ${'x'.repeat(50)}`, `${'y'.repeat(50)}\n\ndata: ok\n\n`], 40);
    assert.deepEqual(events, [{ type: 'message', data: 'ok' }]);
    assert.equal(parser.dropped, 1);
  });
});
