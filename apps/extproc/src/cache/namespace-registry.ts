import type { Config, EmbedderIdentity, NamespaceSettings } from '@semcache/shared';
import { NotFoundError } from '@semcache/shared';
import type { CacheEntry } from './entry.ts';
import { Namespace, type RemovalReason } from './namespace.ts';
import { partitionName, type Partition } from './partition.ts';

export interface RegistryOptions {
  config: Pick<Config, 'defaults' | 'models' | 'maxEntriesTotal' | 'maxNamespaces'>;
  embedder: () => EmbedderIdentity;
  defaultThreshold: number;
  now: () => number;
  onRemove: (ns: Namespace, entry: CacheEntry, reason: RemovalReason) => void;
}

/** All namespaces, their creation with the configured defaults, and the capacity rules that span them. */
export class NamespaceRegistry {
  readonly #byName = new Map<string, Namespace>();
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

  /** The namespace of a partition, created on first use; null when the namespace limit is reached. */
  resolve(partition: Partition): Namespace | null {
    const name = partitionName(partition);
    const existing = this.#byName.get(name);
    if (existing) return existing;
    if (this.#byName.size >= this.#opts.config.maxNamespaces) return null;
    return this.create(name, partition, this.settingsFor(partition.model));
  }

  create(name: string, partition: Partition, settings: NamespaceSettings): Namespace {
    const ns = new Namespace(name, partition, settings, this.#opts.embedder, this.#opts.now());
    this.#byName.set(name, ns);
    return ns;
  }

  settingsFor(model: string): NamespaceSettings {
    const { defaults, models } = this.#opts.config;
    return {
      threshold: defaults.threshold ?? this.#opts.defaultThreshold,
      ttlSeconds: defaults.ttlSeconds,
      maxEntries: defaults.maxEntries,
      enabled: defaults.enabled,
      guard: defaults.guard,
      clientControls: defaults.clientControls,
      maxTtlSeconds: defaults.maxTtlSeconds,
      ...models[model],
    };
  }

  totalEntries(): number {
    let n = 0;
    for (const ns of this.#byName.values()) n += ns.size;
    return n;
  }

  /** Least-recently-used eviction, first within the namespace, then across all of them. */
  enforceCapacity(ns: Namespace): void {
    while (ns.size > ns.settings.maxEntries) this.#evictOldest(ns);
    let total = this.totalEntries();
    while (total > this.#opts.config.maxEntriesTotal) {
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
      this.#evictOldest(victim);
      total--;
    }
  }

  #evictOldest(ns: Namespace): void {
    const lru = ns.leastRecentlyUsed();
    if (!lru) return;
    ns.remove(lru.key);
    ns.counters.evictions++;
    this.#opts.onRemove(ns, lru, 'lru');
  }

  /** Removes expired entries everywhere; returns how many. */
  sweepExpired(): number {
    const now = this.#opts.now();
    let removed = 0;
    for (const ns of this.#byName.values()) {
      const expired: CacheEntry[] = [];
      for (const entry of ns.entries()) if (entry.expiresAt <= now) expired.push(entry);
      for (const entry of expired) {
        ns.remove(entry.key);
        ns.counters.expirations++;
        this.#opts.onRemove(ns, entry, 'expired');
        removed++;
      }
    }
    return removed;
  }
}
