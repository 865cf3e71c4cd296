import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseParser } from './sse-parser.ts';

describe('SseParser', () => {
  it('yields events split across chunks at any byte, with named events, ids and comments', () => {
    const text = ': keep-alive\n\nevent: lookup\nid: 7\ndata: {"a":1}\n\ndata: line one\ndata: line two\n\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const p = new SseParser();
      const msgs = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
      assert.deepEqual(msgs, [
        { event: 'lookup', data: '{"a":1}', id: '7' },
        { event: 'message', data: 'line one\nline two', id: '7' },
      ], `cut at ${cut}`);
    }
  });

  it('accepts CRLF and CR line endings, including a CRLF split between chunks', () => {
    const p = new SseParser();
    assert.deepEqual(p.push('data: a\r'), []);
    assert.deepEqual(p.push('\n\r\ndata:b\r\r'), [{ event: 'message', data: 'a', id: null }]);
    assert.deepEqual(p.push('\n'), [{ event: 'message', data: 'b', id: null }], 'the held \r and this \n end one line');
  });

  it('keeps an unfinished event until its blank line arrives', () => {
    const p = new SseParser();
    assert.deepEqual(p.push('data: x\n'), []);
    assert.deepEqual(p.push('\n'), [{ event: 'message', data: 'x', id: null }]);
  });
});
