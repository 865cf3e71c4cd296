import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packedBytes, packedLength, packText, unpackText } from './packed-text.ts';

const MIXED = 'Café — “quoted”, 東京, 😀 and a last line.\n';

describe('packed text', () => {
  it('gives back the text it packed, whatever it holds', () => {
    for (const text of [MIXED, '', 'plain ascii', 'ÿ', '\u{10ffff}', 'a\u0000b']) assert.equal(unpackText(packText(text)), text);
  });

  it('holds one character per UTF-8 byte, each a byte value', () => {
    const packed = packText(MIXED);
    assert.equal(packedLength(packed), Buffer.byteLength(MIXED, 'utf8'));
    assert.ok([...packed].every((c) => c.charCodeAt(0) < 256));
    assert.deepEqual(packedBytes(packed), Buffer.from(MIXED, 'utf8'));
  });

  it('keeps an ASCII text as it is', () => {
    const text = JSON.stringify({ answer: 'Pods are the smallest unit.' });
    assert.equal(packText(text), text);
  });
});
