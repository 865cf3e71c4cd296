import type { Config, EmbedderIdentity, NamespaceSettings } from '@semcache/shared';
import { NotFoundError } from '@semcache/shared';
import type { CacheEntry } from './entry.ts';
import { Namespace, type RemovalReason } from './namespace.ts';
import { parsePartitionName, partitionName, type Partition } from './partition.ts';
import type { IndexPrecision } from './vector-index.ts';

export interface RegistryOptions {
  config: Pick<Config, 'defaults' | 'models' | 'maxEntriesTotal' | 'maxNamespaces' | 'memory' | 'namespaceIdleSeconds'>;
  embedder: () => EmbedderIdentity;
  defaultThreshold: number;
  /** Where the configuration sets none: the verifier's threshold tuned for this embedder. */
  defaultVerifierThreshold: number;
  /** Where the configuration sets none: the candidate similarity tuned with it (none: the stand-alone threshold). */
  defaultVerifierCandidateThreshold?: number;
  now: () => number;
  /** The precision of a new index of these dimensions (f32 unless given). */
  indexPrecision?: (dimensions: number) => IndexPrecision;
  onRemove: (ns: Namespace, entry: CacheEntry, reason: RemovalReason) => void;
  /** A namespace is forgotten (deleted, or reclaimed as idle): what others keep by its name must go too. */
  onDelete: (name: string) => void;
}

/** All namespaces, their creation with the configured defaults, and the capacity rules that span them. */
export class NamespaceRegistry {
  readonly #byName = new Map<string, Namespace>();
  /**
   * Epochs of deleted namespaces: one made again under the same name goes on from there, so that what the
   * stores and other replicas hold of the old one (an epoch record, a Redis epoch) never outranks its entries.
   */
  readonly #deletedEpochs = new Map<string, number>();
  readonly #opts: RegistryOptions;

  constructor(opts: RegistryOptions) {
    this.#opts = opts;
  }

  get size(): number {
    return this.#byName.size;
  }

  all(): Namespace[] {
    return [...this.#byName.values()];
  }

  find(name: string): Namespace | undefined {
    return this.#byName.get(name);
  }

  get(name: string): Namespace {
    const ns = this.#byName.get(name);
    if (!ns) throw new NotFoundError(`no namespace named '${name}'`);
    return ns;
  }

  /**
   * The namespace of a partition, created on first use; null when the namespace limit is reached and no
   * idle empty namespace can give its slot back.
   */
  resolve(partition: Partition): Namespace | null {
    const name = partitionName(partition);
    const existing = this.#byName.get(name);
    if (existing) {
      existing.usedAt = this.#opts.now();
      return existing;
    }
    if (this.#byName.size >= this.#opts.config.maxNamespaces && this.reclaimIdle(1) === 0) return null;
    return this.create(name, partition, this.settingsFor(partition.model));
  }

  /**
   * Removes up to `limit` namespaces that hold nothing an operator would miss: no entries, the configured
   * settings, epoch 0, and no lookup for namespaceIdleSeconds. Invented model or tenant names end up so.
   */
  reclaimIdle(limit = Infinity): number {
    const idleSince = this.#opts.now() - this.#opts.config.namespaceIdleSeconds * 1000;
    let removed = 0;
    for (const ns of this.#byName.values()) {
      if (removed >= limit) break;
      // A bumped epoch is an operator's flush: forgetting it would let an older replica's entries back in.
      if (ns.size > 0 || ns.epoch > 0 || ns.usedAt > idleSince || !sameSettings(ns.settings, this.settingsFor(ns.partition.model))) continue;
      this.#byName.delete(ns.name);
      this.#opts.onDelete(ns.name);
      removed++;
    }
    return removed;
  }

  /** Forgets a namespace; its entries must be gone already. */
  delete(name: string): void {
    const epoch = this.#byName.get(name)?.epoch ?? 0;
    if (epoch > 0) this.#deletedEpochs.set(name, epoch);
    this.#byName.delete(name);
    this.#opts.onDelete(name);
  }

  /** The namespace of that name, created with the configured settings when there is none (as changes from elsewhere do). */
  obtain(name: string): Namespace {
    const partition = parsePartitionName(name);
    return this.#byName.get(name) ?? this.create(name, partition, this.settingsFor(partition.model));
  }

  create(name: string, partition: Partition, settings: NamespaceSettings): Namespace {
    const ns = new Namespace(name, partition, settings, this.#opts.embedder, this.#opts.now(), this.#opts.indexPrecision);
    ns.advanceEpoch(this.#deletedEpochs.get(name) ?? 0);
    this.#deletedEpochs.delete(name);
    this.#byName.set(name, ns);
    return ns;
  }

  settingsFor(model: string): NamespaceSettings {
    const { defaults, models } = this.#opts.config;
    const threshold = defaults.threshold ?? this.#opts.defaultThreshold;
    return {
      threshold,
      ttlSeconds: defaults.ttlSeconds,
      maxEntries: defaults.maxEntries,
      enabled: defaults.enabled,
      guard: defaults.guard,
      clientControls: defaults.clientControls,
      verifier: defaults.verifier,
      verifierThreshold: defaults.verifierThreshold ?? this.#opts.defaultVerifierThreshold,
      maxTtlSeconds: defaults.maxTtlSeconds,
      verifierCandidateThreshold: defaults.verifierCandidateThreshold ?? this.#opts.defaultVerifierCandidateThreshold ?? threshold,
      online: defaults.online,
      errorBound: defaults.errorBound,
      maxExploreRate: defaults.maxExploreRate,
      ...models[model],
    };
  }

  totalEntries(): number {
    let n = 0;
    for (const ns of this.#byName.values()) n += ns.size;
    return n;
  }

  totalBytes(): number {
    let n = 0;
    for (const ns of this.#byName.values()) n += ns.memoryBytes;
    return n;
  }

  /** Least-recently-used eviction, first within the namespace, then across all of them: entry counts, then bytes. */
  enforceCapacity(ns: Namespace): void {
    while (ns.size > ns.settings.maxEntries) this.#evictOldest(ns, 'lru');
    this.#evictAcross(() => this.totalEntries() > this.#opts.config.maxEntriesTotal, 'lru');
    this.enforceMemory(ns);
  }

  /**
   * The byte budget alone. Also applied to changes loaded or replicated from elsewhere: what fits in
   * another process's memory, or in this one's before a restart with less, need not fit here now.
   */
  enforceMemory(ns: Namespace): void {
    const { maxBytes, maxBytesPerNamespace } = this.#opts.config.memory;
    const perNamespace = maxBytesPerNamespace ?? maxBytes;
    if (perNamespace !== undefined) while (ns.size > 0 && ns.memoryBytes > perNamespace) this.#evictOldest(ns, 'memory');
    if (maxBytes !== undefined) this.#evictAcross(() => this.totalBytes() > maxBytes, 'memory');
  }

  #evictAcross(over: () => boolean, reason: RemovalReason): void {
    while (over()) {
      let victim: Namespace | undefined;
      let oldest = Infinity;
      for (const candidate of this.#byName.values()) {
        const lru = candidate.leastRecentlyUsed();
        if (!lru) continue;
        const usedAt = lru.lastHitAt ?? lru.createdAt;
        if (usedAt < oldest) {
          oldest = usedAt;
          victim = candidate;
        }
      }
      if (!victim) return;
      this.#evictOldest(victim, reason);
    }
  }

  #evictOldest(ns: Namespace, reason: RemovalReason): void {
    const lru = ns.leastRecentlyUsed();
    if (!lru) return;
    ns.remove(lru.key);
    ns.counters.evictions++;
    this.#opts.onRemove(ns, lru, reason);
  }

  /** Removes expired entries, and those of an earlier epoch, everywhere; returns how many. */
  sweepExpired(): number {
    const now = this.#opts.now();
    let removed = 0;
    for (const ns of this.#byName.values()) {
      const gone: CacheEntry[] = [];
      for (const entry of ns.entries()) if (entry.expiresAt <= now || !ns.isCurrent(entry)) gone.push(entry);
      for (const entry of gone) {
        ns.remove(entry.key);
        const superseded = !ns.isCurrent(entry);
        if (!superseded) ns.counters.expirations++;
        this.#opts.onRemove(ns, entry, superseded ? 'superseded' : 'expired');
        removed++;
      }
    }
    return removed;
  }
}

function sameSettings(a: NamespaceSettings, b: NamespaceSettings): boolean {
  return a.threshold === b.threshold && a.ttlSeconds === b.ttlSeconds && a.maxEntries === b.maxEntries && a.enabled === b.enabled && a.guard === b.guard;
}
