import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Observation } from '@semcache/shared';
import { CacheEngine, type LookupRequest } from '../cache/cache-engine.ts';
import { loadConfig } from '../config/load-config.ts';
import { BuiltinHashedEmbedder } from '../embedders/builtin-hashed.ts';
import { OnlinePolicy } from './online-policy.ts';

const req = (prompt: string, mode: LookupRequest['mode'] = 'normal'): LookupRequest =>
  ({ partition: { model: 'm', tenant: null }, endpoint: 'chat', prompt, fingerprint: 'fp', mode });
const answer = (text: string) => ({
  response: JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] }),
  contentType: 'application/json', usage: null,
});

function engine() {
  return new CacheEngine({
    config: loadConfig({}, { 'defaults.online': true, 'defaults.threshold': 0.8, 'defaults.verifier': false }),
    embedder: new BuiltinHashedEmbedder({ dimensions: 256 }),
    online: new OnlinePolicy({ random: () => 0 }),
  });
}

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
    const miss = await e.lookup(req('How do I reset my router password?'));
    assert.ok(miss.kind === 'miss' && miss.pending);
    const entry = e.store(miss.pending, answer('Hold the reset button.'))!;
    const explored = await e.lookup(req('How can I reset my router password?'));
    assert.ok(explored.kind === 'miss' && explored.check && explored.pending);
    assert.equal(explored.outcome, 'verify');
    assert.equal(await e.check(explored.check, explored.pending, answer('Hold the reset button.')), true);
    assert.deepEqual(entry.observations?.map((o) => o.correct), [true]);

    const noStore = await e.lookup(req('How can I reset my router password?', 'no-store'));
    assert.equal(noStore.kind, 'hit', 'no-store: the threshold decides');
  });
});
