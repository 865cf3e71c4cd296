import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/load-config.ts';
import { l2normalize, type Embedder } from '../embedders/embedder.ts';
import { decodeEntry, entryMeta, vectorBytes } from '../stores/entry-codec.ts';
import { CacheEngine, type LookupRequest } from './cache-engine.ts';
import type { CacheChange } from './changes.ts';
import { EngineAdmin } from './engine-admin.ts';

/** 'a2' is 0.9 from 'a', 'a3' 0.8, 'b' orthogonal: similarity selectors are decided exactly. */
class ScriptedEmbedder implements Embedder {
  readonly identity = { provider: 'test', model: 'scripted', version: '1', dimensions: 3 };
  readonly defaultThreshold = 0.85;
  readonly table: Record<string, number[]> = { a: [1, 0, 0], a2: [0.9, Math.sqrt(1 - 0.81), 0], a3: [0.8, 0.6, 0], b: [0, 0, 1] };
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => l2normalize(Float32Array.from(this.table[t] ?? [0, 1, 0])));
  }
}

function setup() {
  let now = 1_000_000;
  const engine = new CacheEngine({ config: loadConfig({}, {}), embedder: new ScriptedEmbedder(), now: () => now });
  const changes: CacheChange[] = [];
  engine.onChange((c) => changes.push(c));
  const req = (prompt: string, extra: Partial<LookupRequest> = {}): LookupRequest => ({
    partition: { model: 'm', tenant: null }, endpoint: 'chat', prompt, fingerprint: 'fp', mode: 'normal', ...extra,
  });
  async function fill(prompt: string, extra: Partial<LookupRequest> = {}, revision: string | null = 'm-2024') {
    const r = await engine.lookup(req(prompt, { fingerprint: `fp-${prompt}`, ...extra }));
    assert.ok(r.kind === 'miss' && r.pending, `${prompt} misses`);
    return engine.store(r.pending, { response: '{}', contentType: 'application/json', usage: null, modelRevision: revision })!;
  }
  return { engine, admin: new EngineAdmin(engine), changes, req, fill, tick: (ms: number) => { now += ms; } };
}

describe('selector eviction in the engine', () => {
  it('matches by similarity over every entry with the namespace embedder, ANDed with the other criteria', async () => {
    const { admin, fill, tick } = setup();
    await fill('a', { tags: ['x'] });
    await fill('a2', { tags: ['y'] });
    tick(60_000);
    await fill('a3', { tags: ['x'] });
    await fill('b');
    const near = await admin.evictSelected('m', { similarTo: { prompt: 'a', minSimilarity: 0.85 } }, { dryRun: true, sample: 10 });
    assert.deepEqual(near.sample.map((e) => e.prompt).sort(), ['a', 'a2']);
    const tagged = await admin.evictSelected('m', { tags: ['x'], similarTo: { prompt: 'a', minSimilarity: 0.5 } }, { dryRun: true, sample: 10 });
    assert.deepEqual(tagged.sample.map((e) => e.prompt), ['a3', 'a'], 'newest first');
    const old = await admin.evictSelected('m', { tags: ['x'], olderThanSeconds: 30 }, { dryRun: false, sample: 10 });
    assert.deepEqual(old.sample.map((e) => e.prompt), ['a']);
    assert.equal(old.evicted.length, 1);
    assert.deepEqual(admin.listEntries('m', {}).items.map((e) => e.prompt).sort(), ['a2', 'a3', 'b']);
  });

  it('never lets an entry stored too long for the embedder match a similarity', async () => {
    const { engine, admin, req } = setup();
    (engine.embedder as Embedder).fits = (p) => p !== 'a';
    const r = await engine.lookup(req('a'));
    assert.ok(r.kind === 'miss' && r.pending?.exactOnly);
    engine.store(r.pending, { response: '{}', contentType: 'application/json', usage: null });
    const found = await admin.evictSelected('m', { similarTo: { prompt: 'a', minSimilarity: 0 } }, { dryRun: true, sample: 10 });
    assert.equal(found.matched, 0);
  });
});

describe('namespace epochs', () => {
  it('a bump is one change: lookups stop finding older entries at once, new ones are served', async () => {
    const { engine, admin, changes, req, fill } = setup();
    await fill('a');
    await fill('b');
    changes.length = 0;
    const ns = engine.namespaces.get('m');
    assert.equal(engine.bumpEpoch(ns), 2);
    assert.deepEqual(changes, [{ type: 'epoch', namespace: 'm', epoch: 1 }]);
    assert.equal(ns.size, 2, 'nothing removed by the bump itself');
    assert.equal((await engine.lookup(req('a', { fingerprint: 'fp-a' }))).kind, 'miss');
    assert.equal(admin.listEntries('m', {}).total, 0, 'superseded entries are not listed');
    await fill('a');
    assert.equal((await engine.lookup(req('a', { fingerprint: 'fp-a' }))).kind, 'hit');
    assert.equal(engine.reclaimSuperseded(ns, 10), 1, "b's entry; a's was replaced by the new one");
    assert.equal(ns.size, 1);
  });

  it('applies epochs as a maximum and drops an entry of an earlier epoch arriving from elsewhere', async () => {
    const { engine, fill } = setup();
    const old = await fill('a');
    const ns = engine.namespaces.get('m');
    engine.apply({ type: 'epoch', namespace: 'm', epoch: 3 });
    engine.apply({ type: 'epoch', namespace: 'm', epoch: 2 });
    assert.equal(ns.epoch, 3);
    engine.reclaimSuperseded(ns, 10);
    engine.apply({ type: 'add', entry: { ...old, key: old.key + 1n, prompt: 'another prompt' } });
    assert.equal(ns.size, 0, 'stored in epoch 0, never served: not kept');
    engine.apply({ type: 'add', entry: { ...old, epoch: 5 } });
    assert.equal(ns.epoch, 5, 'an entry of a later epoch means a bump this replica missed');
    assert.equal(ns.size, 1);
  });

  it('the sweep reclaims superseded entries without counting them as expired', async () => {
    const { engine, fill } = setup();
    await fill('a');
    const ns = engine.namespaces.get('m');
    engine.bumpEpoch(ns);
    assert.equal(engine.sweepExpired(), 1);
    assert.equal(ns.size, 0);
    assert.equal(ns.counters.expirations, 0);
  });
});

describe('entry codec', () => {
  it('keeps tags, revision and epoch, and reads entries written before they existed with none', async () => {
    const { fill } = setup();
    const entry = await fill('a', { tags: ['t1'] });
    const back = decodeEntry(JSON.parse(JSON.stringify(entryMeta(entry))), vectorBytes(entry.vector));
    assert.deepEqual([back.tags, back.modelRevision, back.systemFingerprint, back.epoch], [['t1'], 'm-2024', null, 0]);
    const { tags: _t, modelRevision: _m, systemFingerprint: _s, epoch: _e, ...older } = entryMeta(entry);
    const legacy = decodeEntry(older, vectorBytes(entry.vector));
    assert.deepEqual([legacy.tags, legacy.modelRevision, legacy.systemFingerprint, legacy.epoch], [[], null, null, 0]);
  });
});

describe('a namespace deleted after an epoch flush', () => {
  it('is made again in the epoch it had, so that its new entries outrank what the stores hold of the old one', async () => {
    const { engine, admin, fill } = setup();
    await fill('a');
    admin.bumpEpoch('m');
    admin.deleteNamespace('m');
    const entry = await fill('b');
    assert.equal(entry.epoch, 1);
    engine.apply({ type: 'epoch', namespace: 'm', epoch: 1 });
    assert.equal(engine.namespaces.get('m').size, 1, 'replaying the old epoch record keeps the new entry');
  });
});

describe('an answer asked for before an epoch flush', () => {
  it('is not stored after it: the model may have answered as before the flush', async () => {
    const { engine, req } = setup();
    const r = await engine.lookup(req('a'));
    assert.ok(r.kind === 'miss' && r.pending);
    engine.bumpEpoch(engine.namespaces.get('m'));
    assert.equal(engine.store(r.pending, { response: '{}', contentType: 'application/json', usage: null }), null);
    assert.equal(engine.namespaces.get('m').size, 0);
  });
});

describe('an answer asked for before its namespace was deleted', () => {
  it('is not stored in the namespace made again under that name', async () => {
    const { engine, admin, req, fill } = setup();
    const r = await engine.lookup(req('a'));
    assert.ok(r.kind === 'miss' && r.pending);
    admin.deleteNamespace('m');
    await fill('b');
    assert.equal(engine.namespaces.get('m').epoch, r.pending.epoch, 'the same epoch: only the namespace tells them apart');
    assert.equal(engine.store(r.pending, { response: '{}', contentType: 'application/json', usage: null }), null);
    assert.deepEqual([...engine.namespaces.get('m').entries()].map((e) => e.prompt), ['b']);
  });
});
