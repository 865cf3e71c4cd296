import { resolve } from 'node:path';
import type { StoreConfig } from '@semcache/shared';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { CacheEngine } from '../cache/cache-engine.ts';
import type { CacheStore } from './cache-store.ts';
import { RedisReplicator } from './redis-replicator.ts';
import { SnapshotStore } from './snapshot-store.ts';
import { createStoreMetrics, uncountedStoreMetrics } from './store-metrics.ts';

export interface CreateStoreOptions {
  config: StoreConfig;
  engine: CacheEngine;
  logger: Logger;
  registry?: Registry;
}

/** The store the configuration asks for; null when the cache lives in memory only. */
export function createStore({ config, engine, logger, registry }: CreateStoreOptions): CacheStore | null {
  const metrics = registry ? createStoreMetrics(registry) : uncountedStoreMetrics;
  if (config.mode === 'redis') {
    return new RedisReplicator({
      url: config.redisUrl,
      cluster: config.redisCluster,
      prefix: config.redisPrefix,
      streamMaxLen: config.redisStreamMaxLen,
      engine,
      logger,
      metrics,
    });
  }
  if (!config.persist) return null;
  return new SnapshotStore({
    dir: resolve(config.dataDir),
    engine,
    logger,
    snapshotIntervalMs: config.snapshotIntervalMs,
    fsyncIntervalMs: config.fsyncIntervalMs,
    lockStaleMs: config.lockStaleMs,
    metrics,
  });
}
