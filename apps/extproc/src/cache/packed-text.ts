/**
 * A text held as its UTF-8 bytes, one character per byte. V8 stores a string at two bytes a character as soon as
 * one character falls outside Latin-1 (a curly quote, a dash, an emoji in an answer of 2,000 characters), and
 * keeps it so for as long as it is cached; packed, a text costs its UTF-8 length whatever it holds. An ASCII text
 * is its own packed form: nothing is copied.
 */
export type PackedText = string & { readonly utf8Bytes: unique symbol };

export function packText(text: string): PackedText {
  if (Buffer.byteLength(text, 'utf8') === text.length) return text as PackedText;
  return Buffer.from(text, 'utf8').toString('latin1') as PackedText;
}

export function unpackText(packed: PackedText): string {
  return packedBytes(packed).toString('utf8');
}

/** The text's UTF-8 bytes, without decoding it. */
export function packedBytes(packed: PackedText): Buffer {
  return Buffer.from(packed, 'latin1');
}

/** The text's length in UTF-8 bytes. */
export const packedLength = (packed: PackedText): number => packed.length;
