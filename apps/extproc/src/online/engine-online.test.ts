import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Observation } from '@semcache/shared';
import { CacheEngine, type LookupRequest } from '../cache/cache-engine.ts';
import type { CacheChange } from '../cache/changes.ts';
import { EngineAdmin } from '../cache/engine-admin.ts';
import type { CacheEntry } from '../cache/entry.ts';
import { loadConfig } from '../config/load-config.ts';
import { BuiltinHashedEmbedder } from '../embedders/builtin-hashed.ts';
import { OnlinePolicy } from './online-policy.ts';

const req = (prompt: string, mode: LookupRequest['mode'] = 'normal'): LookupRequest =>
  ({ partition: { model: 'm', tenant: null }, endpoint: 'chat', prompt, fingerprint: 'fp', mode });
const answer = (text: string) => ({
  response: JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] }),
  contentType: 'application/json', usage: null,
});

function engine(now: () => number = Date.now) {
  return new CacheEngine({
    config: loadConfig({}, { 'defaults.online': true, 'defaults.threshold': 0.8, 'defaults.verifier': false }),
    embedder: new BuiltinHashedEmbedder({ dimensions: 256 }),
    online: new OnlinePolicy({ random: () => 0 }),
    now,
  });
}

/** An answer stored in namespace 'm', and a paraphrase of its prompt that online verification sends to the model. */
async function storedAndExplored(e: CacheEngine) {
  const miss = await e.lookup(req('How do I reset my router password?'));
  assert.ok(miss.kind === 'miss' && miss.pending);
  const entry = e.store(miss.pending, answer('Hold the reset button.'))!;
  const explored = await e.lookup(req('How can I reset my router password?'));
  assert.ok(explored.kind === 'miss' && explored.check && explored.pending);
  return { entry, explored, check: explored.check, pending: explored.pending };
}

/**
 * Namespace 'm' with an entry that was explored once and brought 150 findings from elsewhere: it has learned a
 * boundary (no longer checks every would-be hit) and counted a decision and a check.
 */
async function withFindings(e: CacheEngine) {
  const { entry, check, pending } = await storedAndExplored(e);
  assert.equal(await e.check(check, pending, answer('Hold the reset button.')), true);
  const changes = findingsOn(entry);
  for (const change of changes) e.apply(change);
  assert.equal(e.online.learning('m', 0.8), false);
  assert.ok(e.online.stats('m').decisions > 0 && e.online.stats('m').observations > 0);
  return { entry, changes };
}

/** 150 correct findings on the entry, arriving 30 at a time as another replica's checks would. */
const findingsOn = (entry: CacheEntry): CacheChange[] => Array.from({ length: 5 }, (_, i) => ({
  type: 'add',
  entry: { ...entry, observations: Array.from({ length: 30 }, (_, j): Observation => ({ similarity: 0.8 + ((i * 30 + j) % 60) * 0.003, correct: true, time: i * 30 + j })) },
}));

const trackedNames = (e: CacheEngine): string[] => [...e.online.tracked()].map(([name]) => name);

describe('the engine with online verification', () => {
  it('learns from the findings an entry brings with it (a restart, another replica), once each', async () => {
    const source = engine();
    const first = await source.lookup(req('How do I reset my router password?'));
    assert.ok(first.kind === 'miss' && first.pending);
    const entry = source.store(first.pending, answer('Hold the reset button.'))!;
    const findings: Observation[] = Array.from({ length: 150 }, (_, i) => ({ similarity: 0.8 + (i % 60) * 0.003, correct: true, time: i }));

    const replica = engine();
    assert.equal(replica.online.learning('m', 0.8), true);
    replica.apply({ type: 'add', entry: { ...entry, observations: findings.slice(0, 32) } });
    replica.apply({ type: 'add', entry: { ...entry, observations: findings.slice(0, 32) } });
    assert.equal(replica.online.learning('m', 0.8), true, 'the same findings twice count once');
    for (let i = 32; i < 150; i += 32) replica.apply({ type: 'add', entry: { ...entry, observations: findings.slice(i, i + 32) } });
    assert.equal(replica.online.learning('m', 0.8), false);
    assert.ok((replica.namespaces.get('m').get(entry.key)?.observations?.length ?? 0) <= 32, 'an entry keeps a bounded number');
  });

  it('sends a would-be hit to the model, and records what the check found', async () => {
    const e = engine();
    const { entry, explored, check, pending } = await storedAndExplored(e);
    assert.equal(explored.outcome, 'verify');
    assert.equal(await e.check(check, pending, answer('Hold the reset button.')), true);
    assert.deepEqual(entry.observations?.map((o) => o.correct), [true]);

    const noStore = await e.lookup(req('How can I reset my router password?', 'no-store'));
    assert.equal(noStore.kind, 'hit', 'no-store: the threshold decides');
  });

  it('forgets a deleted namespace: one made again under its name learns from nothing', async () => {
    const e = engine();
    await withFindings(e);
    new EngineAdmin(e).deleteNamespace('m');
    assert.deepEqual(trackedNames(e), [], 'no state kept for a namespace that is gone');

    const again = await e.lookup(req('How do I reset my router password?'));
    assert.ok(again.kind === 'miss' && again.pending);
    assert.equal(e.online.learning('m', 0.8), true, 'the old findings do not carry over');
    assert.deepEqual({ ...e.online.stats('m') }, {
      decisions: 0, served: 0, explored: 0, exploredShare: 0, refused: 0, capped: 0, observations: 0, observedWrong: 0,
      observedErrorRate: 0, estimatedErrorRate: 0,
    });
  });

  it('forgets a namespace reclaimed as idle once its entries are gone', async () => {
    let now = Date.now();
    const e = engine(() => now);
    const { entry } = await withFindings(e);
    e.apply({ type: 'remove', namespace: 'm', key: entry.key, reason: 'evicted' });
    assert.equal(e.namespaces.get('m').size, 0);
    now += 3601 * 1000;
    e.sweepExpired();
    assert.equal(e.namespaces.find('m'), undefined);
    assert.deepEqual(trackedNames(e), []);
  });

  it('relearns after a flush or a new epoch, here and on a replica that applies it; the counters stay', async () => {
    for (const flush of ['epoch', 'flush'] as const) {
      const e = engine();
      const replica = engine();
      for (const change of (await withFindings(e)).changes) replica.apply(change);
      assert.equal(replica.online.learning('m', 0.8), false);
      const admin = new EngineAdmin(e);
      if (flush === 'epoch') admin.bumpEpoch('m');
      else admin.flushNamespace('m');
      const ns = e.namespaces.get('m');
      replica.apply(flush === 'epoch' ? { type: 'epoch', namespace: 'm', epoch: ns.epoch } : { type: 'flush', namespace: 'm' });
      assert.equal(e.online.learning('m', 0.8), true, `${flush}: the flushed entries' findings are gone`);
      assert.equal(replica.online.learning('m', 0.8), true, `${flush}: on the replica too`);
      assert.ok(e.online.stats('m').observations > 0, `${flush}: counted checks stay counted`);
    }
  });

  it('records no finding where an epoch or a deletion (and the namespace made again) came while the model answered', async () => {
    for (const meanwhile of ['epoch', 'delete'] as const) {
      const e = engine();
      const { entry, check, pending } = await storedAndExplored(e);
      const checked = e.check(check, pending, answer('Hold the reset button.'));
      if (meanwhile === 'epoch') {
        e.bumpEpoch(e.namespaces.get('m'));
      } else {
        new EngineAdmin(e).deleteNamespace('m');
        await e.lookup(req('Something else entirely'));
      }
      assert.equal(await checked, null, meanwhile);
      assert.equal(entry.observations, undefined, meanwhile);
      assert.equal(e.online.stats('m').observations, 0, meanwhile);
    }
  });
});
