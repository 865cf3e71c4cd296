import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ANSWER_DICTIONARY } from './answer-dictionary.ts';

/**
 * A cached answer as it is held in memory: a tag character, then its UTF-8 bytes, deflated where that saves,
 * one character per byte. A string of byte values is one V8 keeps at one byte a character whatever the answer
 * holds (one curly quote or emoji makes V8 keep a plain string at two), and it is a string rather than a Buffer
 * because a Buffer costs ~100 B of object and a separate allocation besides its bytes. At 1M entries an answer is
 * most of an entry's memory, and an LLM's answers deflate to about half (docs/benchmarks.md).
 */
export type PackedText = string & { readonly packedAnswer: unique symbol };

const RAW = 0;
const DEFLATED = 1;
/** Below this, deflate's block header and the call cost more than they save. */
const SMALLEST_TO_DEFLATE = 64;

const OPTIONS = { dictionary: ANSWER_DICTIONARY };

function tagged(tag: number, bytes: Uint8Array): PackedText {
  const out = Buffer.allocUnsafe(bytes.length + 1);
  out[0] = tag;
  out.set(bytes, 1);
  // One flat string: prepending the tag to a string would make a two-part string that V8 keeps as such.
  return out.toString('latin1') as PackedText;
}

export function packText(text: string): PackedText {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length >= SMALLEST_TO_DEFLATE) {
    const deflated = deflateRawSync(bytes, OPTIONS);
    if (deflated.length < bytes.length) return tagged(DEFLATED, deflated);
  }
  return tagged(RAW, bytes);
}

/** The bytes it holds, as a data file keeps them (see `packedFromBytes`). */
export const heldBytes = (packed: PackedText): Buffer => Buffer.from(packed, 'latin1');

/** What `heldBytes` gave, back as held; throws on bytes no packing made. */
export function packedFromBytes(bytes: Uint8Array): PackedText {
  if (bytes.length === 0 || (bytes[0] !== RAW && bytes[0] !== DEFLATED)) throw new Error('not a packed answer');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1') as PackedText;
}

/** The answer's UTF-8 bytes. */
export function packedBytes(packed: PackedText): Buffer {
  const held = heldBytes(packed).subarray(1);
  return packed.charCodeAt(0) === DEFLATED ? inflateRawSync(held, OPTIONS) : held;
}

export function unpackText(packed: PackedText): string {
  return packedBytes(packed).toString('utf8');
}

/** Bytes it holds in memory (beyond the string's header). */
export const packedSize = (packed: PackedText): number => packed.length;
