import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StartOptions } from '../src/server.ts';
import { startHarness, type Harness } from './harness.ts';
import { RedisServer } from './redis-server.ts';

/** Polls until the condition holds; replication is asynchronous, but a second is its promise. */
export async function eventually(what: string, condition: () => boolean, withinMs = 5000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`not within ${withinMs} ms: ${what}`);
    await sleep(20);
  }
}

export interface SharedRedis {
  readonly redis: RedisServer;
  /** Every replica started so far, in order. */
  readonly replicas: Harness[];
  start(): Promise<void>;
  /** Starts Redis and two replicas on it. */
  startPair(): Promise<[Harness, Harness]>;
  /** A harness whose store is the shared Redis under the given prefix; `overrides` add to the config. */
  replica(overrides?: Record<string, unknown>, opts?: Partial<Omit<StartOptions, 'config' | 'logger'>>): Promise<Harness>;
  /** Closes every replica, then stops Redis. */
  close(): Promise<void>;
}

/** A real redis-server and the replicas that share a cache through it, under one key prefix. */
export function sharedRedis(prefix: string, config: Record<string, unknown> = {}): SharedRedis {
  const redis = new RedisServer();
  const replicas: Harness[] = [];
  const replica: SharedRedis['replica'] = async (overrides = {}, opts = {}) => {
    const h = await startHarness({ 'store.mode': 'redis', 'store.redisUrl': redis.url, 'store.redisPrefix': prefix, ...config, ...overrides }, opts);
    replicas.push(h);
    return h;
  };
  return {
    redis,
    replicas,
    replica,
    async start() {
      await redis.start();
    },
    async startPair() {
      await redis.start();
      return [await replica(), await replica()];
    },
    async close() {
      for (const h of replicas) await h.close();
      await redis.stop();
    },
  };
}
