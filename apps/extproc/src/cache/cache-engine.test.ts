import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/load-config.ts';
import { EmbedderError, l2normalize, type Embedder } from '../embedders/embedder.ts';
import { CacheEngine, type LookupRequest } from './cache-engine.ts';
import type { CacheChange } from './changes.ts';
import { EngineAdmin } from './engine-admin.ts';

/** Vectors chosen per prompt, so similarities are exact: 'a' and 'a2' are 0.9 apart, 'b' is orthogonal. */
class ScriptedEmbedder implements Embedder {
  readonly identity = { provider: 'test', model: 'scripted', version: '1', dimensions: 3 };
  readonly defaultThreshold = 0.85;
  calls = 0;
  fail: EmbedderError | null = null;
  readonly table: Record<string, number[]> = {
    a: [1, 0, 0],
    a2: [0.9, Math.sqrt(1 - 0.81), 0],
    a3: [0.8, 0.6, 0],
    b: [0, 0, 1],
  };
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.calls++;
    if (this.fail) throw this.fail;
    return texts.map((t) => l2normalize(Float32Array.from(this.table[t] ?? [0, 1, 0])));
  }
}

function setup(overrides: Record<string, unknown> = {}, guard?: (q: string, c: string) => string | null) {
  let now = 1_000;
  const embedder = new ScriptedEmbedder();
  const config = loadConfig({}, overrides);
  const engine = new CacheEngine({ config, embedder, guard, now: () => now });
  const changes: CacheChange[] = [];
  engine.onChange((c) => changes.push(c));
  const req = (prompt: string, extra: Partial<LookupRequest> = {}): LookupRequest => ({
    partition: { model: 'm', tenant: null }, endpoint: 'chat', prompt, fingerprint: 'fp', mode: 'normal', ...extra,
  });
  const answer = { response: '{"choices":[{}]}', contentType: 'application/json', usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 } };
  async function fill(prompt: string, extra: Partial<LookupRequest> = {}) {
    const r = await engine.lookup(req(prompt, extra));
    assert.equal(r.kind, 'miss');
    assert.ok(r.kind === 'miss' && r.pending);
    return engine.store(r.pending, answer)!;
  }
  return { engine, embedder, changes, req, fill, admin: new EngineAdmin(engine), tick: (ms: number) => { now += ms; } };
}

describe('CacheEngine', () => {
  it('uses the embedder default threshold unless configured, hits above it and misses below it', async () => {
    const { engine, fill, req } = setup();
    await fill('a');
    const hit = await engine.lookup(req('a2'));
    assert.equal(hit.kind, 'hit');
    assert.equal(hit.outcome, 'semantic');
    assert.ok(Math.abs(hit.kind === 'hit' ? hit.similarity - 0.9 : 0) < 1e-5);
    const miss = await engine.lookup(req('a3'));
    assert.equal(miss.outcome, 'miss');
    assert.equal(miss.event.threshold, 0.85);
    assert.ok(Math.abs((miss.event.similarity ?? 0) - 0.8) < 1e-5, 'the near miss records its best candidate');
    assert.equal(miss.event.candidatePrompt, 'a');
  });

  it('answers an exact repeat without embedding, and a repeated paraphrase as an exact alias until the threshold rises past it', async () => {
    const { engine, embedder, fill, req, admin } = setup();
    await fill('a');
    const callsAfterFill = embedder.calls;
    assert.equal((await engine.lookup(req('a'))).outcome, 'exact');
    assert.equal(embedder.calls, callsAfterFill);
    assert.equal((await engine.lookup(req('a2'))).outcome, 'semantic');
    assert.equal((await engine.lookup(req('a2'))).outcome, 'exact');
    admin.updateSettings('m', { threshold: 0.95 });
    assert.equal((await engine.lookup(req('a2'))).outcome, 'miss');
    assert.equal((await engine.lookup(req('a'))).outcome, 'exact');
  });

  it('never matches across fingerprints or namespaces', async () => {
    const { engine, fill, req } = setup();
    await fill('a');
    assert.equal((await engine.lookup(req('a', { fingerprint: 'other' }))).outcome, 'miss');
    assert.equal((await engine.lookup(req('a', { partition: { model: 'm', tenant: 't1' } }))).outcome, 'miss');
    assert.equal((await engine.lookup(req('a', { partition: { model: 'n', tenant: null } }))).outcome, 'miss');
  });

  it('turns a guarded candidate into a miss with outcome guarded and the rule as reason', async () => {
    const { engine, fill, req } = setup({}, (q, c) => (q === 'a2' && c === 'a' ? 'number' : null));
    await fill('a');
    const r = await engine.lookup(req('a2'));
    assert.equal(r.outcome, 'guarded');
    assert.equal(r.event.reason, 'number');
    assert.equal(r.kind === 'miss' && r.pending !== null, true, 'a guarded miss still stores the fresh answer');
    const { engine: off, fill: fillOff, req: reqOff } = setup({ 'defaults.guard': false }, () => 'number');
    await fillOff('a');
    assert.equal((await off.lookup(reqOff('a2'))).outcome, 'semantic');
  });

  it('reports an embedder failure as a miss with outcome error and nothing to store', async () => {
    const { engine, embedder, req } = setup();
    embedder.fail = new EmbedderError('timeout', 'slow');
    const r = await engine.lookup(req('a'));
    assert.equal(r.outcome, 'error');
    assert.equal(r.event.reason, 'embedder-timeout');
    assert.equal(r.kind === 'miss' ? r.pending : 'x', null);
  });

  it('honours bypass, no-store, refresh (where allowed) and a disabled namespace', async () => {
    const { engine, fill, req, admin, changes } = setup({ 'defaults.clientControls': 'all' });
    const first = await fill('a');
    assert.equal((await engine.lookup(req('a', { mode: 'bypass' }))).outcome, 'bypass');
    const noStore = await engine.lookup(req('b', { mode: 'no-store' }));
    assert.equal(noStore.kind === 'miss' ? noStore.pending : 'x', null);
    const refresh = await engine.lookup(req('a', { mode: 'refresh' }));
    assert.equal(refresh.outcome, 'miss');
    const second = engine.store(refresh.kind === 'miss' ? refresh.pending! : (undefined as never), { response: 'new', contentType: 'application/json', usage: null })!;
    assert.deepEqual(changes.filter((c) => c.type === 'remove').map((c) => c.type === 'remove' && [c.key, c.reason]), [[first.key, 'replaced']]);
    assert.equal(admin.getEntry('m', admin.listEntries('m', {}).items[0]!.id).response, 'new');
    assert.equal(admin.listEntries('m', {}).total, 1);
    assert.notEqual(second.key, first.key);
    admin.updateSettings('m', { enabled: false });
    const disabled = await engine.lookup(req('a'));
    assert.equal(disabled.outcome, 'bypass');
    assert.equal(disabled.event.reason, 'disabled');
  });

  it('ignores a refresh the namespace does not allow: the lookup goes on as usual', async () => {
    const { engine, fill, req } = setup();
    await fill('a');
    const refused = await engine.lookup(req('a', { mode: 'refresh' }));
    assert.equal(refused.outcome, 'exact');
  });

  it('expires entries by TTL, and a shorter TTL applies to entries already stored', async () => {
    const { engine, fill, req, tick, admin } = setup({ 'defaults.ttlSeconds': 100 });
    await fill('a');
    tick(50_000);
    assert.equal((await engine.lookup(req('a'))).outcome, 'exact');
    admin.updateSettings('m', { ttlSeconds: 30 });
    assert.equal((await engine.lookup(req('a'))).outcome, 'miss');
    assert.equal((await engine.lookup(req('a2'))).outcome, 'miss', 'the semantic tier skips expired entries too');
  });

  it('evicts least recently used entries to stay under the byte budget, in total and per namespace', async () => {
    const big = (tag: string) => `${tag} ${'x'.repeat(20_000)}`;
    const { engine, changes, fill } = setup({ 'memory.maxBytes': 100_000, 'memory.maxBytesPerNamespace': 60_000 });
    for (let i = 0; i < 5; i++) await fill(big(`a${i}`), { fingerprint: `f${i}` });
    const one = engine.namespaces.get('m');
    assert.equal(one.size, 1, 'a 40 KB entry each: one fits in 60 KB');
    assert.ok(one.memoryBytes <= 60_000);
    for (let i = 0; i < 3; i++) await fill(big(`b${i}`), { fingerprint: `g${i}`, partition: { model: 'other', tenant: null } });
    assert.ok(engine.namespaces.totalBytes() <= 100_000);
    assert.equal(engine.namespaces.totalEntries(), 2);
    const memoryRemovals = changes.filter((c) => c.type === 'remove' && c.reason === 'memory').length;
    assert.equal(memoryRemovals, 6);
  });

  it('applies the byte budget to loaded changes too, and says what it evicted', async () => {
    const { engine, changes, fill } = setup({ 'memory.maxBytes': 100_000 });
    const entries = [];
    for (let i = 0; i < 4; i++) entries.push(await fill(`${i} ${'y'.repeat(20_000)}`, { fingerprint: `f${i}` }));
    const replica = setup({ 'memory.maxBytes': 50_000 });
    for (const entry of entries) replica.engine.apply({ type: 'add', entry: { ...entry } });
    assert.equal(replica.engine.namespaces.totalEntries(), 1);
    assert.equal(replica.changes.filter((c) => c.type === 'remove' && c.reason === 'memory').length, 3);
    assert.equal(changes.filter((c) => c.type === 'remove' && c.reason === 'memory').length, 2, 'the origin kept two of its four');
  });

  it('bounds the number of namespaces: an unknown model beyond the limit passes through', async () => {
    const { engine, req } = setup({ maxNamespaces: 2 });
    await engine.lookup(req('a', { partition: { model: 'one', tenant: null } }));
    await engine.lookup(req('a', { partition: { model: 'two', tenant: null } }));
    const third = await engine.lookup(req('a', { partition: { model: 'three', tenant: null } }));
    assert.equal(third.outcome, 'bypass');
    assert.equal(third.event.reason, 'namespace-limit');
    assert.equal(engine.namespaces.size, 2);
  });

  it('reclaims only namespaces that are empty, idle and on their configured settings', async () => {
    const { engine, req, fill, admin, tick } = setup({ maxNamespaces: 3, namespaceIdleSeconds: 60 });
    await engine.lookup(req('a', { partition: { model: 'empty', tenant: null } }));
    await engine.lookup(req('a', { partition: { model: 'tuned', tenant: null } }));
    admin.updateSettings('tuned', { threshold: 0.99 });
    await fill('a', { partition: { model: 'full', tenant: null } });
    tick(61_000);
    engine.sweepExpired();
    assert.deepEqual(engine.namespaces.all().map((n) => n.name).sort(), ['full', 'tuned']);
  });

  it('passes models outside allowedModels through without a namespace', async () => {
    const { engine, req } = setup({ allowedModels: ['gpt-*', 'm'] });
    const refused = await engine.lookup(req('a', { partition: { model: 'other', tenant: null } }));
    assert.equal(refused.outcome, 'bypass');
    assert.equal(refused.event.reason, 'model-not-allowed');
    assert.equal((await engine.lookup(req('a', { partition: { model: 'gpt-4o', tenant: null } }))).outcome, 'miss');
    assert.equal(engine.namespaces.find('other'), undefined);
  });

  it('counts hits, misses and tokens saved per namespace', async () => {
    const { engine, fill, req, admin } = setup();
    await fill('a');
    await engine.lookup(req('a'));
    await engine.lookup(req('a2'));
    const stats = admin.getNamespace('m').stats;
    assert.equal(stats.exactHits, 1);
    assert.equal(stats.semanticHits, 1);
    assert.equal(stats.misses, 1);
    assert.equal(stats.tokensSaved, 14);
    assert.equal(stats.hitRate, 2 / 3);
    assert.equal(stats.entries, 1);
    assert.ok(stats.memoryBytes > 0);
  });

  it('counts the cost saved at the configured prices of the namespace\'s model, and only on hits', async () => {
    const { engine, fill, req, admin } = setup({ pricing: { m: { inputPerMillion: 1_000, outputPerMillion: 10_000 } } });
    await fill('a');
    const hit = await engine.lookup(req('a'));
    await engine.lookup(req('a2'));
    const perHit = (3 * 1_000 + 4 * 10_000) / 1e6;
    assert.equal(hit.event.costSaved, perHit);
    assert.equal(admin.getNamespace('m').stats.costSaved, 2 * perHit);
    const unpriced = setup();
    await unpriced.fill('a');
    await unpriced.engine.lookup(unpriced.req('a'));
    assert.equal(unpriced.admin.getNamespace('m').stats.costSaved, 0);
  });

  it('emits labels and their withdrawal, keeps labels through a flush, and applies them on a replica that never served the namespace', async () => {
    const { engine, fill, req, admin, changes } = setup();
    const other = setup();
    await fill('a');
    const near = await engine.lookup(req('a3'));
    admin.labelLookup('m', { lookupId: near.event.id, verdict: 'different', by: 'ops' });
    admin.flushNamespace('m');
    assert.deepEqual(admin.listLabels('m').map((l) => l.lookupId), [near.event.id]);
    for (const c of changes.filter((c) => c.type === 'label' || c.type === 'unlabel')) other.engine.apply(c);
    assert.deepEqual(other.admin.listLabels('m'), admin.listLabels('m'));
    assert.equal(other.changes.length, 0, 'applied changes are not emitted again');

    admin.deleteLabel('m', near.event.id);
    assert.deepEqual(changes.at(-1), { type: 'unlabel', namespace: 'm', lookupId: near.event.id });
    other.engine.apply(changes.at(-1)!);
    assert.deepEqual(other.admin.listLabels('m'), []);
  });
});
