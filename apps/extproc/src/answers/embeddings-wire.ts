import type { WireFormat } from './wire-format.ts';
import { readUsage } from './usage.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A vector as OpenAI sends it: floats, or base64 of little-endian float32 with `encoding_format: "base64"`. */
const isVector = (v: unknown): boolean =>
  typeof v === 'string' ? v !== '' : Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * `/v1/embeddings`: a JSON list of vectors, never streamed. A hit serves the stored document byte for byte, so
 * the vectors a client gets again are the very ones it got the first time.
 */
export const embeddingsWire: WireFormat = {
  replayOptions: () => ({ stream: false, includeUsage: false }),
  storable(doc) {
    if (!isObject(doc) || doc.error !== undefined || !Array.isArray(doc.data) || doc.data.length === 0) return false;
    return doc.data.every((d) => isObject(d) && typeof d.index === 'number' && isVector(d.embedding));
  },
  usage: (doc) => readUsage(isObject(doc) ? doc.usage : undefined),
  assembler: null,
  renderSse: () => null,
};
