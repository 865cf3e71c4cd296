import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { CacheEngine } from '../cache/cache-engine.ts';
import { loadConfig } from '../config/load-config.ts';
import { BuiltinHashedEmbedder } from '../embedders/builtin-hashed.ts';
import { createStore } from './create-store.ts';

const storeFor = (env: Record<string, string>) => {
  const config = loadConfig(env, { logLevel: 'silent' });
  const engine = new CacheEngine({ config, embedder: new BuiltinHashedEmbedder({ dimensions: 64 }) });
  return { config, store: createStore({ config: config.store, engine, logger: pino({ level: 'silent' }) }) };
};

describe('createStore from the configuration', () => {
  it('persists to ./data under the working directory by default', () => {
    const { config, store } = storeFor({});
    assert.equal(store?.kind, 'snapshot');
    assert.equal(config.store.dataDir, './data');
    assert.ok(config.store.fsyncIntervalMs <= 1000, 'a crash loses at most a second');
  });

  it('keeps the cache in memory only with DATA_DIR set empty or PERSIST=false', () => {
    assert.equal(storeFor({ DATA_DIR: '' }).store, null);
    assert.equal(storeFor({ PERSIST: 'false' }).store, null);
  });

  it('shares the cache through Redis with STORE=redis', () => {
    const { config, store } = storeFor({ STORE: 'redis', REDIS_URL: 'redis://10.0.0.5:6380', REDIS_PREFIX: 'team-a' });
    assert.equal(store?.kind, 'redis');
    assert.equal(config.store.redisUrl, 'redis://10.0.0.5:6380');
    assert.equal(config.store.redisPrefix, 'team-a');
  });

  it('refuses a store mode it does not know and an fsync cadence over a second, naming the field', () => {
    assert.throws(() => loadConfig({ STORE: 'etcd' }), /store\.mode/);
    assert.throws(() => loadConfig({ FSYNC_INTERVAL_MS: '5000' }), /store\.fsyncIntervalMs/);
  });
});
