import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { CacheEngine } from '../src/cache/cache-engine.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { BuiltinHashedEmbedder } from '../src/embedders/builtin-hashed.ts';
import { RedisReplicator } from '../src/stores/redis-replicator.ts';
import { RedisServer } from './redis-server.ts';

const config = loadConfig({}, { logLevel: 'silent' });
const logger = pino({ level: 'silent' });
/** More than one fetch batch (500), spread over two namespaces, so that batches mix them. */
const PER_MODEL = 700;
const MODELS = ['m1', 'm2'];

async function replica(url: string): Promise<{ engine: CacheEngine; store: RedisReplicator }> {
  const engine = new CacheEngine({ config, embedder: new BuiltinHashedEmbedder({ dimensions: 64 }), indexPrecision: 'f16' });
  const store = new RedisReplicator({ url, prefix: 'join-test', streamMaxLen: 10_000, engine, logger, startWaitMs: 10_000 });
  await store.start();
  const deadline = Date.now() + 20_000;
  while (!store.synced) {
    if (Date.now() > deadline) assert.fail('the replica did not load from Redis within 20 s');
    await sleep(20);
  }
  return { engine, store };
}

describe('a replica joining a Redis-backed cache (a real redis-server)', () => {
  const redis = new RedisServer();
  before(async () => { await redis.start(); });
  after(async () => { await redis.stop(); });

  it('gets every entry, each one in its index under its own key', async () => {
    const a = await replica(redis.url);
    for (const model of MODELS) {
      for (let i = 0; i < PER_MODEL; i++) {
        const prompt = `question ${i} for ${model} about subject ${i * 31}`;
        const r = await a.engine.lookup({ partition: { model, tenant: null }, endpoint: 'chat', prompt, fingerprint: `of ${prompt}`, mode: 'normal' });
        assert.ok(r.kind === 'miss' && r.pending);
        a.engine.store(r.pending, { response: `{"answer":"${i}"}`, contentType: 'application/json', usage: null });
      }
    }
    await a.store.close();

    const b = await replica(redis.url);
    try {
      for (const model of MODELS) {
        const mine = [...a.engine.namespaces.get(model).entries()];
        const ns = b.engine.namespaces.get(model);
        assert.equal(ns.size, PER_MODEL);
        for (const entry of mine) {
          assert.equal(ns.get(entry.key)?.response, entry.response);
          // A wide beam: the engine's narrow one (8 at this size) can miss the odd entry of these look-alike prompts.
          const [best] = ns.search(entry.vector, 64);
          assert.equal(best?.key, entry.key, `'${entry.prompt}' is not found by its vector`);
          assert.ok(best.similarity > 0.99);
        }
      }
    } finally {
      await b.store.close();
    }
  });
});
