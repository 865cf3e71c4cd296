import type { EntrySelector } from '@semcache/shared';
import type { CacheEntry } from './entry.ts';
import { vectorOf } from './vector-slab.ts';

/**
 * Whether an entry matches an eviction selector: every criterion given must hold. `query` is the embedding of
 * `similarTo.prompt` by the namespace's embedder (null when the selector has none).
 */
export function selectorMatcher(selector: EntrySelector, now: number, query: Float32Array | null): (entry: CacheEntry) => boolean {
  const tags = selector.tags ? new Set(selector.tags) : null;
  const storedBefore = selector.olderThanSeconds === undefined ? null : now - selector.olderThanSeconds * 1000;
  const needle = selector.text?.toLowerCase();
  const minSimilarity = selector.similarTo?.minSimilarity ?? null;
  return (e) => {
    if (tags && !e.tags.some((t) => tags.has(t))) return false;
    if (storedBefore !== null && e.createdAt > storedBefore) return false;
    if (selector.modelRevision !== undefined && e.modelRevision !== selector.modelRevision) return false;
    if (selector.systemFingerprint !== undefined && e.systemFingerprint !== selector.systemFingerprint) return false;
    if (selector.endpoint !== undefined && e.endpoint !== selector.endpoint) return false;
    if (needle !== undefined && !e.prompt.toLowerCase().includes(needle)) return false;
    if (query !== null && minSimilarity !== null && !(similarity(e, query) >= minSimilarity)) return false;
    return true;
  };
}

/**
 * Cosine similarity of unit vectors, over every entry rather than the HNSW index: an eviction must find all
 * that match, not the approximate nearest few. A too-long prompt's entry has no vector of its prompt: never similar.
 */
function similarity(e: CacheEntry, query: Float32Array): number {
  const vector = vectorOf(e.vector);
  if (e.exactOnly || vector.length !== query.length) return -Infinity;
  let dot = 0;
  for (let i = 0; i < query.length; i++) dot += vector[i]! * query[i]!;
  return dot;
}
