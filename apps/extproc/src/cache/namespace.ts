import type { EmbedderIdentity, NamespaceInfo, NamespaceSettings, NamespaceStats } from '@semcache/shared';
import { entrySizeBytes, type CacheEntry } from './entry.ts';
import type { Partition } from './partition.ts';
import { VectorIndex, type IndexPrecision, type Neighbour } from './vector-index.ts';
import { asFloat32, VectorSlab, type EntryVector } from './vector-slab.ts';

export interface ExactLink {
  key: bigint;
  similarity: number;
}

/** Bounds the memory a popular entry's paraphrases can take. */
const MAX_ALIASES_PER_ENTRY = 32;

/**
 * `lru`: over an entry count; `memory`: over a byte budget (both least recently used first); `superseded`:
 * stored in an epoch before the namespace's current one.
 */
export type RemovalReason = 'evicted' | 'expired' | 'lru' | 'memory' | 'replaced' | 'flushed' | 'superseded';

type Counters = Omit<NamespaceStats, 'entries' | 'memoryBytes' | 'hitRate'>;

/**
 * One model (and tenant): its settings, its entries in least-recently-used order, the exact-match map and
 * the vector index. Keeps the three always consistent: every change goes through add/remove.
 */
export class Namespace {
  readonly name: string;
  readonly partition: Partition;
  readonly #embedder: () => EmbedderIdentity;
  readonly #precision: (dimensions: number) => IndexPrecision;
  readonly createdAt: number;
  /** The last lookup that resolved to it: an empty namespace idle long enough gives its slot back. */
  usedAt: number;
  settings: NamespaceSettings;
  /**
   * Only entries stored in this epoch are served. Raising it invalidates everything at once, at O(1) for the
   * request path; the older entries are reclaimed afterwards.
   */
  #epoch = 0;
  /** Entries of the current epoch: with none left, the superseded rest can go at once, index and all. */
  #current = 0;
  readonly counters: Counters = {
    exactHits: 0, semanticHits: 0, misses: 0, guarded: 0, verifiedMisses: 0, bypassed: 0, errors: 0,
    tokensSaved: 0, costSaved: 0, evictions: 0, expirations: 0,
  };
  /** Map iteration order is the LRU order: the first entry is the least recently used. */
  readonly #entries = new Map<bigint, CacheEntry>();
  /** Exact key -> entry, with the similarity that first matched it (1 for the stored prompt itself). */
  readonly #exact = new Map<string, ExactLink>();
  /** Exact keys of paraphrases that hit an entry, so that their repeats skip embedding; removed with it. */
  readonly #aliases = new Map<bigint, string[]>();
  /** Created with the first vector: a remote embedder's dimensions are known only once it has answered. */
  #index: VectorIndex | null = null;
  /** An index loaded from a file while the entries it holds are applied (see `adoptIndex`). */
  #adopted: VectorIndex | null = null;
  /** The entries' own copies of their vectors, one row each, created with the index. */
  #slab: VectorSlab | null = null;
  #bytes = 0;

  constructor(
    name: string, partition: Partition, settings: NamespaceSettings, embedder: () => EmbedderIdentity, now: number,
    precision: (dimensions: number) => IndexPrecision = () => 'f32',
  ) {
    this.name = name;
    this.partition = partition;
    this.settings = settings;
    this.#embedder = embedder;
    this.#precision = precision;
    this.createdAt = now;
    this.usedAt = now;
  }

  get embedder(): EmbedderIdentity {
    return this.#embedder();
  }

  get epoch(): number {
    return this.#epoch;
  }

  /** Raises the epoch (never lowers it); returns whether it rose. */
  advanceEpoch(to: number): boolean {
    if (to <= this.#epoch) return false;
    this.#epoch = to;
    this.#current = 0;
    return true;
  }

  get currentSize(): number {
    return this.#current;
  }

  get size(): number {
    return this.#entries.size;
  }

  get memoryBytes(): number {
    return this.#bytes + (this.#index?.approximateBytes ?? 0);
  }

  entries(): IterableIterator<CacheEntry> {
    return this.#entries.values();
  }

  get(key: bigint): CacheEntry | undefined {
    return this.#entries.get(key);
  }

  getExact(exactKey: string): { entry: CacheEntry; similarity: number } | undefined {
    const link = this.#exact.get(exactKey);
    const entry = link && this.#entries.get(link.key);
    return entry && link ? { entry, similarity: link.similarity } : undefined;
  }

  /** Remembers that this exact prompt matched the entry, so a repeat is an exact hit. */
  addAlias(exactKey: string, entry: CacheEntry, similarity: number): void {
    if (this.#exact.has(exactKey)) return;
    const aliases = this.#aliases.get(entry.key) ?? [];
    if (aliases.length >= MAX_ALIASES_PER_ENTRY) return;
    aliases.push(exactKey);
    this.#aliases.set(entry.key, aliases);
    this.#exact.set(exactKey, { key: entry.key, similarity });
  }

  /** Adds an entry; an entry with the same exact key is replaced, and its key returned. */
  add(entry: CacheEntry): bigint | null {
    const previous = this.#exact.get(entry.exactKey)?.key;
    if (previous !== undefined) this.remove(previous);
    if (!entry.exactOnly) {
      this.#index ??= new VectorIndex(entry.vector.length, this.#precision(entry.vector.length));
      this.#slab ??= new VectorSlab(this.#index.dimensions, this.#index.precision);
      // Keys are random and never reused for another vector: one the adopted index holds is this entry's.
      if (this.#index !== this.#adopted || !this.#index.contains(entry.key)) this.#index.add(entry.key, asFloat32(entry.vector));
      entry.vector = this.#slab.store(entry.vector);
    }
    this.#entries.set(entry.key, entry);
    this.#exact.set(entry.exactKey, { key: entry.key, similarity: 1 });
    this.#bytes += entrySizeBytes(entry);
    if (this.isCurrent(entry)) this.#current++;
    return previous ?? null;
  }

  remove(key: bigint): CacheEntry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (this.#exact.get(entry.exactKey)?.key === key) this.#exact.delete(entry.exactKey);
    for (const alias of this.#aliases.get(key) ?? []) this.#exact.delete(alias);
    this.#aliases.delete(key);
    this.#index?.remove(key);
    if (!entry.exactOnly && this.#slab) entry.vector = this.#slab.release(entry.vector);
    this.#bytes -= entrySizeBytes(entry);
    if (this.isCurrent(entry)) this.#current--;
    return entry;
  }

  clear(): number {
    const n = this.#entries.size;
    this.#entries.clear();
    this.#exact.clear();
    this.#aliases.clear();
    this.#index = null;
    this.#adopted = null;
    // The old rows stay with the entries that view them, and go with them: none is reused.
    this.#slab = null;
    this.#bytes = 0;
    this.#current = 0;
    return n;
  }

  /** The precision an index of these dimensions is built with here. */
  precisionFor(dimensions: number): IndexPrecision {
    return this.#precision(dimensions);
  }

  /**
   * Takes a saved index as this namespace's, while it is still empty: entries then added whose key it holds
   * are not inserted again, which is what makes a restart fast. `finishAdoption` ends that.
   */
  adoptIndex(index: VectorIndex): void {
    if (this.#entries.size > 0 || this.#index) throw new Error(`namespace ${this.name} already has entries or an index`);
    this.#index = index;
    this.#adopted = index;
  }

  /**
   * Ends the adoption: keys of the saved index that no entry claimed (expired, evicted or removed since it
   * was saved) leave it. Returns how many vectors were kept from it.
   */
  finishAdoption(savedKeys: BigUint64Array): number {
    const adopted = this.#adopted;
    this.#adopted = null;
    if (!adopted || adopted !== this.#index) return 0;
    let kept = 0;
    for (const key of savedKeys) {
      const entry = this.#entries.get(key);
      if (entry && !entry.exactOnly) kept++;
      else adopted.remove(key);
    }
    return kept;
  }

  /** The index as it is now and the keys it holds, for saving it; null without one. */
  indexForSaving(): { index: VectorIndex; keys: BigUint64Array } | null {
    if (!this.#index || this.#adopted) return null;
    const keys: bigint[] = [];
    for (const entry of this.#entries.values()) if (!entry.exactOnly) keys.push(entry.key);
    return { index: this.#index, keys: BigUint64Array.from(keys) };
  }

  /**
   * New settings; a changed TTL applies to the answers already stored with the old one too, as an operator who
   * shortens it expects. An entry stored with a lifetime of its own (x-semantic-cache-ttl) keeps it.
   */
  updateSettings(settings: NamespaceSettings): void {
    const oldLifetime = this.settings.ttlSeconds * 1000;
    const ttlChanged = settings.ttlSeconds !== this.settings.ttlSeconds;
    this.settings = { ...settings };
    if (!ttlChanged) return;
    for (const entry of this.#entries.values()) {
      if (entry.expiresAt - entry.createdAt === oldLifetime) entry.expiresAt = entry.createdAt + settings.ttlSeconds * 1000;
    }
  }

  isCurrent(entry: CacheEntry): boolean {
    return entry.epoch === this.#epoch;
  }

  /** Marks an entry as just used: it moves to the back of the LRU order. */
  touch(entry: CacheEntry, now: number): void {
    entry.lastHitAt = now;
    entry.hitCount++;
    this.#entries.delete(entry.key);
    this.#entries.set(entry.key, entry);
  }

  leastRecentlyUsed(): CacheEntry | undefined {
    return this.#entries.values().next().value;
  }

  search(vector: EntryVector, k: number): Neighbour[] {
    if (!this.#index || vector.length !== this.#index.dimensions) return [];
    return this.#index.search(asFloat32(vector), k);
  }

  info(): NamespaceInfo {
    const c = this.counters;
    const lookups = c.exactHits + c.semanticHits + c.misses + c.guarded + c.verifiedMisses;
    return {
      name: this.name,
      model: this.partition.model,
      tenant: this.partition.tenant,
      route: this.partition.route ?? null,
      settings: { ...this.settings },
      stats: {
        ...c,
        entries: this.size,
        memoryBytes: this.memoryBytes,
        hitRate: lookups === 0 ? 0 : (c.exactHits + c.semanticHits) / lookups,
      },
      embedder: this.embedder,
      createdAt: this.createdAt,
      epoch: this.#epoch,
    };
  }
}
