import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { packedBytes, packedSize, packText, unpackText } from './packed-text.ts';

const MIXED = 'Café — “quoted”, 東京, 😀 and a last line.\n';
const CONTENT = 'Kubernetes schedules pods onto nodes. A pod is the smallest deployable unit: one or more containers that '
  + 'share a network namespace and storage volumes. Deployments keep a set of identical pods running, replace the ones '
  + 'that fail and roll out new versions a few pods at a time, so that the service stays up while it changes.';
const CHAT = JSON.stringify({
  id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT', object: 'chat.completion', created: 1741569952, model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: CONTENT, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 19, completion_tokens: 62, total_tokens: 81 }, service_tier: 'default',
});

describe('packed text', () => {
  it('gives back the text it packed, whatever it holds', () => {
    const long = `${MIXED.repeat(300)}${CHAT}`;
    for (const text of [MIXED, '', 'plain ascii', 'ÿ', '\u{10ffff}', 'a\u0000b', '\u0001', CHAT, long]) {
      assert.equal(unpackText(packText(text)), text);
      assert.deepEqual(packedBytes(packText(text)), Buffer.from(text, 'utf8'));
    }
  });

  it('holds an answer deflated, one byte value a character', () => {
    const packed = packText(CHAT);
    const bytes = Buffer.byteLength(CHAT, 'utf8');
    assert.ok(packedSize(packed) < 0.6 * bytes, `${packedSize(packed)} of ${bytes} bytes`);
    assert.ok([...packed].every((c) => c.charCodeAt(0) < 256));
  });

  it('holds a short text as its UTF-8 bytes, one byte more, and never more than that', () => {
    assert.equal(packedSize(packText(MIXED)), Buffer.byteLength(MIXED, 'utf8') + 1);
    for (let i = 0; i < 20; i++) {
      const noise = randomBytes(100 + 50 * i).toString('latin1');
      assert.ok(packedSize(packText(noise)) <= Buffer.byteLength(noise, 'utf8') + 1);
    }
  });
});
