import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Registry } from 'prom-client';
import { CacheEngine, type LookupRequest } from '../cache/cache-engine.ts';
import { loadConfig } from '../config/load-config.ts';
import { BuiltinHashedEmbedder } from '../embedders/builtin-hashed.ts';
import { EmbedderError, type Embedder } from '../embedders/embedder.ts';
import { createCacheMetrics } from './cache-metrics.ts';

const config = loadConfig({}, { logLevel: 'silent' });

function request(prompt: string, model = 'm'): LookupRequest {
  return { partition: { model, tenant: null }, endpoint: 'completions', prompt, fingerprint: 'f', mode: 'normal' };
}

/** Sum of the samples named `name` (a histogram's `_count` included) whose labels include `labels`. */
async function value(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name || m.name === name.replace(/_count$/, ''));
  assert.ok(metric, `metric ${name} exists`);
  const wanted = Object.entries(labels);
  const matching = (metric.values as { labels: Record<string, string | number>; value: number; metricName?: string }[])
    .filter((v) => (v.metricName ?? metric.name) === name && wanted.every(([k, x]) => v.labels[k] === x));
  return matching.reduce((sum, v) => sum + v.value, 0);
}

async function missThenStore(engine: CacheEngine, prompt: string, model = 'm', totalTokens = 42): Promise<void> {
  const miss = await engine.lookup(request(prompt, model));
  assert.equal(miss.kind, 'miss');
  assert.ok(miss.kind === 'miss' && miss.pending);
  engine.store(miss.pending, { response: '{"choices":[]}', contentType: 'application/json', usage: { promptTokens: 2, completionTokens: totalTokens - 2, totalTokens } });
}

describe('cache metrics', () => {
  it('counts lookups by outcome, hits, misses, tokens saved and lookup latency', async () => {
    const engine = new CacheEngine({ config, embedder: new BuiltinHashedEmbedder({ dimensions: 256 }) });
    const metrics = createCacheMetrics({ engine, maxNamespaces: 10 });
    await missThenStore(engine, 'What is Kubernetes');
    assert.equal((await engine.lookup(request('What is Kubernetes'))).outcome, 'exact');
    assert.equal((await engine.lookup(request('Kubernetes what is it anyway'))).outcome, 'semantic');
    await engine.lookup({ ...request('anything'), mode: 'bypass' });

    const r = metrics.registry;
    assert.equal(await value(r, 'semcache_lookups_total', { namespace: 'm', outcome: 'miss' }), 1);
    assert.equal(await value(r, 'semcache_lookups_total', { namespace: 'm', outcome: 'exact' }), 1);
    assert.equal(await value(r, 'semcache_lookups_total', { namespace: 'm', outcome: 'semantic' }), 1);
    assert.equal(await value(r, 'semcache_lookups_total', { namespace: 'm', outcome: 'bypass' }), 1);
    assert.equal(await value(r, 'semcache_hits_total', { namespace: 'm' }), 2);
    assert.equal(await value(r, 'semcache_misses_total', { namespace: 'm' }), 1, 'a bypass is not a miss');
    assert.equal(await value(r, 'semcache_tokens_saved_total', { namespace: 'm' }), 84);
    assert.equal(await value(r, 'semcache_lookup_duration_seconds_count'), 4);
    assert.equal(await value(r, 'semcache_lookup_duration_seconds_count', { outcome: 'exact' }), 1);
    assert.equal(await value(r, 'semcache_embedding_duration_seconds_count'), 2, 'the miss and the semantic hit embedded; exact and bypass did not');
    assert.equal(await value(r, 'semcache_entries', { namespace: 'm' }), 1);
    assert.ok((await value(r, 'semcache_memory_bytes', { namespace: 'm' })) > 256 * 4);
    metrics.close();
  });

  it('counts the cost saved of priced models only', async () => {
    const priced = loadConfig({}, { logLevel: 'silent', pricing: { m: { inputPerMillion: 1_000_000, outputPerMillion: 2_000_000 } } });
    const engine = new CacheEngine({ config: priced, embedder: new BuiltinHashedEmbedder({ dimensions: 64 }) });
    const metrics = createCacheMetrics({ engine, maxNamespaces: 10 });
    await missThenStore(engine, 'What is Kubernetes', 'm');
    await missThenStore(engine, 'What is Kubernetes', 'unpriced');
    assert.equal((await engine.lookup(request('What is Kubernetes', 'm'))).outcome, 'exact');
    assert.equal((await engine.lookup(request('What is Kubernetes', 'unpriced'))).outcome, 'exact');
    assert.equal(await value(metrics.registry, 'semcache_cost_saved_total', { namespace: 'm' }), 2 * 1 + 40 * 2);
    assert.equal(await value(metrics.registry, 'semcache_cost_saved_total', { namespace: 'unpriced' }), 0);
    metrics.close();
  });

  it('counts embedder failures by kind, and each is a miss', async () => {
    const failing: Embedder = {
      identity: { provider: 'test', model: 'down', version: '1', dimensions: 8 },
      defaultThreshold: 0.9,
      embed: () => Promise.reject(new EmbedderError('timeout', 'too slow')),
    };
    const engine = new CacheEngine({ config, embedder: failing });
    const metrics = createCacheMetrics({ engine, maxNamespaces: 10 });
    assert.equal((await engine.lookup(request('hello'))).outcome, 'error');
    assert.equal(await value(metrics.registry, 'semcache_embedder_errors_total', { kind: 'timeout' }), 1);
    assert.equal(await value(metrics.registry, 'semcache_misses_total', { namespace: 'm' }), 1);
    metrics.close();
  });

  it('gives namespaces beyond the cap the shared label other', async () => {
    const engine = new CacheEngine({ config, embedder: new BuiltinHashedEmbedder({ dimensions: 64 }) });
    const metrics = createCacheMetrics({ engine, maxNamespaces: 2 });
    for (const model of ['a', 'b', 'c', 'd']) await missThenStore(engine, `question for ${model}`, model);
    const text = await metrics.registry.metrics();
    assert.equal(await value(metrics.registry, 'semcache_entries', { namespace: 'a' }), 1);
    assert.equal(await value(metrics.registry, 'semcache_entries', { namespace: 'other' }), 2);
    assert.equal(await value(metrics.registry, 'semcache_lookups_total', { namespace: 'other' }), 2);
    assert.doesNotMatch(text, /namespace="[cd]"/);
    assert.doesNotMatch(text, /question for/, 'prompts never appear in metrics');
    metrics.close();
  });

  it('counts removals by reason, store skips and stream durations', async () => {
    const small = loadConfig({}, { logLevel: 'silent', 'defaults.maxEntries': 1 });
    const engine = new CacheEngine({ config: small, embedder: new BuiltinHashedEmbedder({ dimensions: 64 }) });
    const metrics = createCacheMetrics({ engine, maxNamespaces: 10 });
    await missThenStore(engine, 'first question');
    await missThenStore(engine, 'second question');
    const ns = engine.namespaces.get('m');
    engine.remove(ns, ns.leastRecentlyUsed()!.key, 'evicted');
    metrics.storeSkipped('status');
    metrics.storeSkipped('status');
    metrics.observeStreamEnd(0.002);

    const r = metrics.registry;
    assert.equal(await value(r, 'semcache_entries_removed_total', { namespace: 'm', reason: 'lru' }), 1);
    assert.equal(await value(r, 'semcache_entries_removed_total', { namespace: 'm', reason: 'evicted' }), 1);
    assert.equal(await value(r, 'semcache_store_skips_total', { reason: 'status' }), 2);
    assert.equal(await value(r, 'semcache_extproc_stream_duration_seconds_count'), 1);
    assert.equal(await value(r, 'semcache_entries', { namespace: 'm' }), 0);
    metrics.close();
  });

  it('stops listening to the engine when closed', async () => {
    const engine = new CacheEngine({ config, embedder: new BuiltinHashedEmbedder({ dimensions: 64 }) });
    const metrics = createCacheMetrics({ engine, maxNamespaces: 10 });
    metrics.close();
    await missThenStore(engine, 'after close');
    assert.equal((await metrics.registry.getMetricsAsJSON()).length, 0);
  });
});
