import { z } from 'zod';
import { EndpointKindSchema, ObservationSchema, UsageSchema, type EmbedderIdentity } from '@semcache/shared';
import { entryId, parseEntryId, type CacheEntry } from '../cache/entry.ts';
import { exactKeyOf } from '../cache/normalize.ts';
import { packText, unpackText, type PackedText } from '../cache/packed-text.ts';
import { asFloat32, vectorOf, type EntryVector, type StoredVector } from '../cache/vector-slab.ts';
import { isUnitVector } from '../embedders/embedder.ts';

/**
 * How an entry is written outside the process (the data directory, Redis): everything but the vector as
 * JSON, the vector as its raw Float32 bytes, so that loading never needs the embedder.
 */
export const EntryMetaSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{1,16}$/),
  namespace: z.string().min(1),
  endpoint: EndpointKindSchema,
  prompt: z.string(),
  fingerprint: z.string(),
  /** Written for other versions' readers; this one derives the exact key from the fingerprint and prompt. */
  exactKey: z.string().min(1).optional(),
  /** Absent where the record carries the answer as held in memory, beside the vector (data-dir-format.ts). */
  response: z.string().optional(),
  contentType: z.string(),
  usage: UsageSchema.nullable(),
  createdAt: z.number(),
  lastHitAt: z.number().nullable(),
  hitCount: z.number().int().nonnegative(),
  expiresAt: z.number(),
  exactOnly: z.literal(true).optional(),
  observations: z.array(ObservationSchema).optional(),
  // Entries written before targeted invalidation existed: no tags, no revision, the first epoch.
  tags: z.array(z.string()).default([]),
  modelRevision: z.string().nullable().default(null),
  systemFingerprint: z.string().nullable().default(null),
  epoch: z.number().int().nonnegative().default(0),
});
export type EntryMeta = z.input<typeof EntryMetaSchema>;

/** Without `withAnswer`, the answer is left for the caller to carry as held (`heldBytes`). */
export function entryMeta(e: CacheEntry, withAnswer = true): EntryMeta {
  return {
    id: entryId(e.key),
    namespace: e.namespace,
    endpoint: e.endpoint,
    prompt: e.prompt,
    fingerprint: e.fingerprint,
    exactKey: exactKeyOf(e.fingerprint, e.prompt),
    ...(withAnswer ? { response: unpackText(e.response) } : {}),
    contentType: e.contentType,
    usage: e.usage,
    createdAt: e.createdAt,
    lastHitAt: e.lastHitAt,
    hitCount: e.hitCount,
    expiresAt: e.expiresAt,
    ...(e.exactOnly ? { exactOnly: true as const } : {}),
    ...(e.observations ? { observations: e.observations } : {}),
    tags: e.tags,
    modelRevision: e.modelRevision,
    systemFingerprint: e.systemFingerprint,
    epoch: e.epoch,
  };
}

/** Float32 bytes whatever the precision it is held at: the stored formats have one. */
export function vectorBytes(vector: StoredVector): Buffer {
  const v = asFloat32(vector);
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * Rebuilds an entry, its answer from the meta's text or, where the record carries it as held, from `answer`;
 * throws with a readable message when the stored form is not one.
 */
export function decodeEntry(meta: unknown, vector: Buffer, answer?: PackedText): CacheEntry {
  const m = EntryMetaSchema.parse(meta);
  if (vector.length === 0 || vector.length % 4 !== 0) throw new Error(`entry ${m.id}: vector of ${vector.length} bytes`);
  const response = answer ?? (m.response === undefined ? null : packText(m.response));
  if (response === null) throw new Error(`entry ${m.id}: no answer`);
  // A copy: the source buffer may be unaligned for Float32 and is shared with the rest of the file.
  const copy = new Float32Array(vector.length / 4);
  Buffer.from(copy.buffer).set(vector);
  // One literal with every field in one order: the entries share a hidden class that holds them all in the
  // object (a spread of the parsed object put most of them in a property array of their own, ~140 B).
  return {
    key: parseEntryId(m.id)!, namespace: m.namespace, endpoint: m.endpoint, prompt: m.prompt, fingerprint: m.fingerprint,
    vector: copy, exactOnly: m.exactOnly, response, contentType: m.contentType, usage: m.usage, tags: m.tags,
    modelRevision: m.modelRevision, systemFingerprint: m.systemFingerprint, epoch: m.epoch, createdAt: m.createdAt,
    lastHitAt: m.lastHitAt, hitCount: m.hitCount, expiresAt: m.expiresAt, observations: m.observations,
  };
}

/** Same provider, model and version; dimensions too once both sides know them. */
export function sameEmbedder(a: EmbedderIdentity, b: EmbedderIdentity): boolean {
  return a.provider === b.provider && a.model === b.model && a.version === b.version
    && (a.dimensions === 0 || b.dimensions === 0 || a.dimensions === b.dimensions);
}

/** Whether a vector may join an index built by this embedder: its size, and a direction cosine can compare. */
export function fitsEmbedder(vector: EntryVector, id: EmbedderIdentity): boolean {
  return (id.dimensions === 0 || vector.length === id.dimensions) && isUnitVector(vector);
}

/** Whether a stored entry may be loaded: an exact-only one is never indexed, so its placeholder vector need not fit. */
export function entryFitsEmbedder(entry: Pick<CacheEntry, 'vector' | 'exactOnly'>, id: EmbedderIdentity): boolean {
  return entry.exactOnly === true || fitsEmbedder(vectorOf(entry.vector), id);
}
