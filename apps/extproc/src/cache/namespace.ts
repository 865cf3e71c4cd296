import type { EmbedderIdentity, NamespaceInfo, NamespaceSettings, NamespaceStats } from '@semcache/shared';
import { entrySizeBytes, type CacheEntry } from './entry.ts';
import { ExactTier, type ExactMatch } from './exact-tier.ts';
import { exactMatchKey, type ExactKey } from './normalize.ts';
import type { Partition } from './partition.ts';
import { SharedStrings } from './shared-strings.ts';
import { steersOnly, VectorIndex, type IndexPrecision, type Neighbour } from './vector-index.ts';
import { asFloat32, SlabRow, vectorOf, VectorSlab, type StoredVector } from './vector-slab.ts';

/** Most entries have no tags: they share one empty array (32 B each otherwise), frozen so none can grow it. */
const NO_TAGS = Object.freeze([]) as unknown as string[];

/**
 * Candidates of an i8 or b1 index rescored at f16 (bench/index-scale.ts measures recall@1 against it). b1's
 * order is coarser: at 1M, fresh embedding-like queries found their nearest 0.957 of the time with 64 of a beam
 * of 128, 0.970 with all 128, 0.993 with 128 of a beam of 256 (`VectorIndex.search` doubles b1's beam).
 */
const RESCORED = { i8: 32, b1: 128 } as const;

/**
 * `lru`: over an entry count; `memory`: over a byte budget (both least recently used first); `superseded`:
 * stored in an epoch before the namespace's current one.
 */
export type RemovalReason = 'evicted' | 'expired' | 'lru' | 'memory' | 'replaced' | 'flushed' | 'superseded';

type Counters = Omit<NamespaceStats, 'entries' | 'memoryBytes' | 'hitRate'>;

let namespacesMade = 0;

/**
 * One model (and tenant): its settings, its entries in least-recently-used order, the exact-match map and
 * the vector index. Keeps the three always consistent: every change goes through add/remove.
 */
export class Namespace {
  readonly name: string;
  /**
   * Which namespace of this name it is: one deleted and made again under the same name has another, so that an
   * answer asked for of the first is never stored in the second.
   */
  readonly serial = ++namespacesMade;
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
  readonly #exact = new ExactTier();
  /** One copy of each fingerprint, content type and model revision, however many entries carry it. */
  readonly #strings = new SharedStrings();
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

  /** The entry stored for this exact prompt, or that it hit as a paraphrase; a digest alone never matches. */
  getExact(key: ExactKey): ExactMatch | undefined {
    return this.#exact.get(key, this.#entries);
  }

  /** Remembers that this exact prompt matched the entry, so a repeat is an exact hit; `verified`: a verifier accepted it. */
  addAlias(key: ExactKey, entry: CacheEntry, similarity: number, verified: boolean): void {
    this.#exact.addAlias(key, entry, similarity, verified);
  }

  /** Adds an entry; an entry with the same exact prompt (its own or as a paraphrase) is replaced, and its key returned. */
  add(entry: CacheEntry): bigint | null {
    const exact = exactMatchKey(entry.fingerprint, entry.prompt);
    const previous = this.getExact(exact)?.entry.key;
    if (previous !== undefined) this.remove(previous);
    // The same key with another prompt: its old version must leave the exact tier too.
    else if (this.#entries.has(entry.key)) this.remove(entry.key);
    if (!entry.exactOnly) {
      const vector = vectorOf(entry.vector);
      this.#index ??= new VectorIndex(vector.length, this.#precision(vector.length));
      this.#slab ??= new VectorSlab(this.#index.dimensions, this.#index.precision);
      // Keys are random and never reused for another vector: one the adopted index holds is this entry's.
      if (this.#index !== this.#adopted || !this.#index.contains(entry.key)) this.#index.add(entry.key, asFloat32(vector));
      entry.vector = this.#slab.store(vector);
    }
    this.#share(entry);
    this.#entries.set(entry.key, entry);
    this.#exact.add(exact.digest, entry);
    this.#bytes += entrySizeBytes(entry);
    if (this.isCurrent(entry)) this.#current++;
    return previous ?? null;
  }

  remove(key: bigint): CacheEntry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#exact.remove(exactMatchKey(entry.fingerprint, entry.prompt).digest, entry);
    this.#index?.remove(key);
    if (entry.vector instanceof SlabRow && entry.vector.slab === this.#slab) entry.vector = this.#slab.release(entry.vector);
    this.#unshare(entry);
    this.#bytes -= entrySizeBytes(entry);
    if (this.isCurrent(entry)) this.#current--;
    return entry;
  }

  /** The entry's repeated strings become the namespace's shared copies. */
  #share(entry: CacheEntry): void {
    if (entry.namespace === this.name) entry.namespace = this.name;
    if (entry.tags.length === 0) entry.tags = NO_TAGS;
    const s = this.#strings;
    entry.fingerprint = s.share(entry.fingerprint);
    entry.contentType = s.share(entry.contentType);
    if (entry.modelRevision !== null) entry.modelRevision = s.share(entry.modelRevision);
    if (entry.systemFingerprint !== null) entry.systemFingerprint = s.share(entry.systemFingerprint);
  }

  #unshare(entry: CacheEntry): void {
    const s = this.#strings;
    s.release(entry.fingerprint);
    s.release(entry.contentType);
    if (entry.modelRevision !== null) s.release(entry.modelRevision);
    if (entry.systemFingerprint !== null) s.release(entry.systemFingerprint);
  }

  clear(): number {
    const n = this.#entries.size;
    this.#entries.clear();
    this.#exact.clear();
    this.#strings.clear();
    this.#index = null;
    this.#adopted = null;
    // The old rows stay with the entries that hold them (a SlabRow keeps its slab), and go with them: none is reused.
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

  /**
   * The nearest entries by the index. An i8 or b1 index only steers (i8 alone found the nearest for 0.970 of real
   * MiniLM queries at 1M; b1's similarities are sign correlations): its nearest `RESCORED` are scored again against
   * the entries' f16 rows and sorted by that.
   */
  search(vector: StoredVector, k: number): Neighbour[] {
    const query = asFloat32(vector);
    if (!this.#index || query.length !== this.#index.dimensions) return [];
    const precision = this.#index.precision;
    if (!steersOnly(precision)) return this.#index.search(query, k);
    const found = this.#index.search(query, Math.max(k, RESCORED[precision]));
    for (const n of found) {
      const row = this.#entries.get(n.key)?.vector;
      if (row instanceof SlabRow) n.similarity = row.slab.cosine(row.slot, query);
    }
    return found.sort((a, b) => b.similarity - a.similarity).slice(0, k);
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
