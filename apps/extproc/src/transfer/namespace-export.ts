import type { CacheEngine } from '../cache/cache-engine.ts';
import type { Namespace } from '../cache/namespace.ts';
import { entryLine, headerLine } from './export-format.ts';

/**
 * The namespace's lines, each made only when the reader asks for it. The entries to write are fixed at the
 * start (references only): traffic meanwhile reorders the live LRU list, which would repeat or skip entries.
 * Least recently used first, so that an import into a smaller cache keeps the most recently used ones.
 */
export function* exportLines(engine: CacheEngine, ns: Namespace, vectors: boolean): Generator<string> {
  // Entries of an earlier epoch are flushed, only not reclaimed yet: never served, so not exported either.
  const entries = [...ns.entries()].filter((e) => e.epoch >= ns.epoch);
  yield headerLine(ns.name, ns.embedder, vectors, entries.length, engine.now());
  for (const entry of entries) {
    // Gone since the start (evicted, replaced, expired): not what the namespace holds any more.
    if (ns.get(entry.key) !== entry || entry.expiresAt <= engine.now()) continue;
    yield entryLine(entry, vectors);
  }
}
