import { packedSize, unpackText, type PackedText } from './packed-text.ts';
import { vectorByteLength, type StoredVector } from './vector-slab.ts';
import type { EndpointKind, EntryDetail, EntrySummary, Observation, Usage } from '@semcache/shared';

/** A cached answer with everything needed to serve it, expire it and show it to an operator. */
export interface CacheEntry {
  key: bigint;
  namespace: string;
  endpoint: EndpointKind;
  prompt: string;
  fingerprint: string;
  /** At the index's precision once stored (a row of its namespace's slab; read it with `vectorOf`). */
  vector: StoredVector;
  /** A prompt past the embedder's token window: answered by the exact tier only, never indexed. */
  exactOnly?: true;
  response: PackedText;
  contentType: string;
  usage: Usage | null;
  /** Case-folded, from the storing request's tags header (where its namespace lets clients tag). */
  tags: string[];
  /** The upstream's `model` and `system_fingerprint` in its answer: which revision wrote it. */
  modelRevision: string | null;
  systemFingerprint: string | null;
  /** The namespace's epoch when stored: an entry of an earlier epoch is never served. */
  epoch: number;
  createdAt: number;
  lastHitAt: number | null;
  hitCount: number;
  expiresAt: number;
  /** What online verification found when it checked this answer against the model's; replaced, never mutated. */
  observations?: Observation[];
}

export const entryId = (key: bigint): string => key.toString(16).padStart(16, '0');

export function parseEntryId(id: string): bigint | null {
  return /^[0-9a-f]{1,16}$/.test(id) ? BigInt(`0x${id}`) : null;
}

export function entrySizeBytes(e: CacheEntry): number {
  const meta = e.tags.reduce((n, t) => n + t.length, 0) + (e.modelRevision?.length ?? 0) + (e.systemFingerprint?.length ?? 0);
  return (e.prompt.length + e.fingerprint.length + meta) * 2 + packedSize(e.response) + vectorByteLength(e.vector) + 200;
}

export function toSummary(e: CacheEntry): EntrySummary {
  return {
    id: entryId(e.key),
    namespace: e.namespace,
    endpoint: e.endpoint,
    prompt: e.prompt,
    createdAt: e.createdAt,
    lastHitAt: e.lastHitAt,
    hitCount: e.hitCount,
    expiresAt: e.expiresAt,
    sizeBytes: entrySizeBytes(e),
    usage: e.usage,
    tags: [...e.tags],
    modelRevision: e.modelRevision,
    systemFingerprint: e.systemFingerprint,
    epoch: e.epoch,
  };
}

export function toDetail(e: CacheEntry): EntryDetail {
  return { ...toSummary(e), response: unpackText(e.response), contentType: e.contentType, fingerprint: e.fingerprint };
}
