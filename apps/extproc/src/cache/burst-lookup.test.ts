import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/load-config.ts';
import { BuiltinHashedEmbedder } from '../embedders/builtin-hashed.ts';
import { BurstLookup, type WaitOutcome } from './burst-lookup.ts';
import { CacheEngine, type LookupRequest } from './cache-engine.ts';

const answer = { response: '{"choices":[{}]}', contentType: 'application/json', usage: null };

function setup(waitMs: number) {
  const engine = new CacheEngine({ config: loadConfig({}, {}), embedder: new BuiltinHashedEmbedder({ dimensions: 256 }) });
  const outcomes: WaitOutcome[] = [];
  const burst = new BurstLookup(engine, { waitMs, onWait: (o) => outcomes.push(o) });
  const req = (prompt: string, extra: Partial<LookupRequest> = {}): LookupRequest => ({
    partition: { model: 'm', tenant: null }, endpoint: 'chat', prompt, fingerprint: 'fp', mode: 'normal', ...extra,
  });
  return { engine, burst, outcomes, req };
}

describe('BurstLookup', () => {
  it('lets identical lookups wait for the leader and hit the answer it stored', async () => {
    const { engine, burst, outcomes, req } = setup(5000);
    const first = await burst.lookup(req('How do refunds work?'));
    const waiting = burst.lookup(req('How  do refunds work?'));
    assert.equal(burst.waiting, 1, 'white space does not make another request');
    assert.ok(first.result.kind === 'miss' && first.result.pending);
    engine.store(first.result.pending, answer);
    first.release();
    const second = await waiting;
    assert.equal(second.result.kind, 'hit');
    assert.deepEqual(outcomes, ['answered']);
    assert.equal(burst.inFlight, 0);
  });

  it('never makes requests that skip the lookup wait, nor waits when off', async () => {
    const { burst, req } = setup(5000);
    const first = await burst.lookup(req('Status of my ticket'));
    await burst.lookup(req('Status of my ticket', { mode: 'bypass' }));
    await burst.lookup(req('Status of my ticket', { freshness: { noStore: false, noCache: true, maxAgeSeconds: null, onlyIfCached: false, ttlSeconds: null } }));
    assert.equal(burst.waiting, 0);
    first.release();
    const off = setup(0);
    await off.burst.lookup(off.req('Status of my ticket'));
    assert.equal(off.burst.inFlight, 0);
  });

  it('a leader that stores nothing releases at once, and a waiter past its limit misses', async () => {
    const { burst, outcomes, req } = setup(20);
    const noStore = await burst.lookup(req('Tell me a joke', { mode: 'no-store' }));
    assert.equal(noStore.result.kind, 'miss');
    assert.equal(burst.inFlight, 0);
    const leader = await burst.lookup(req('Tell me a joke'));
    const waiter = await burst.lookup(req('Tell me a joke'));
    assert.equal(waiter.result.kind, 'miss');
    assert.deepEqual(outcomes, ['timeout']);
    leader.release();
  });
});
