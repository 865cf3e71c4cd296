import { Counter, type Registry } from 'prom-client';

export type StoreKind = 'snapshot' | 'redis';

/** What a store counts: writes it could not make, and data it refused or could not read at load. */
export interface StoreMetrics {
  writeDropped(store: StoreKind, n?: number): void;
  /** kind: damaged-file, unreadable-file, embedder-mismatch, bad-entry, unusable-dir. */
  loadProblem(store: StoreKind, kind: string): void;
}

export function createStoreMetrics(registry: Registry): StoreMetrics {
  const registers = [registry];
  const dropped = new Counter({
    name: 'semcache_store_writes_dropped_total',
    help: 'Cache changes that could not be written to the store (Redis away, disk error); the cache went on in memory.',
    labelNames: ['store'], registers,
  });
  const problems = new Counter({
    name: 'semcache_store_load_problems_total',
    help: 'Data refused or unreadable when loading: damaged-file, unreadable-file, embedder-mismatch, bad-entry, unusable-dir.',
    labelNames: ['store', 'kind'], registers,
  });
  return {
    writeDropped: (store, n = 1) => dropped.inc({ store }, n),
    loadProblem: (store, kind) => problems.inc({ store, kind }),
  };
}

/** For stores created without a registry (unit tests). */
export const uncountedStoreMetrics: StoreMetrics = { writeDropped: () => undefined, loadProblem: () => undefined };
