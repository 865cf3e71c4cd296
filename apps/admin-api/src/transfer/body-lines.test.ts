import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BodyLines } from './body-lines.ts';

function body(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(ctl) {
      for (const c of chunks) ctl.enqueue(typeof c === 'string' ? new TextEncoder().encode(c) : c);
      ctl.close();
    },
  });
}

async function read(lines: BodyLines): Promise<string[]> {
  const out: string[] = [];
  for await (const l of lines) out.push(l);
  return out;
}

describe('BodyLines', () => {
  it('splits lines across chunk boundaries, CRLF too, and keeps a last line without a newline', async () => {
    const euro = new TextEncoder().encode('€');
    const lines = new BodyLines(body(['{"a":', '1}\r\n{"b"', ':2}\n\n', euro.slice(0, 1), euro.slice(1), 'x']), 1000);
    assert.deepEqual(await read(lines), ['{"a":1}', '{"b":2}', '', '€x']);
    assert.equal(lines.tooLarge, false);
  });

  it('stops with an error naming the limit once the bytes pass it, after yielding the lines before', async () => {
    const lines = new BodyLines(body(['one\n', 'two\n', 'three\n']), 9);
    const seen: string[] = [];
    await assert.rejects(async () => { for await (const l of lines) seen.push(l); }, /over the import limit of 9 bytes/);
    assert.deepEqual(seen, ['one', 'two']);
    assert.equal(lines.tooLarge, true);
  });

  it('reads an absent body as no lines', async () => {
    assert.deepEqual(await read(new BodyLines(null, 10)), []);
  });
});
