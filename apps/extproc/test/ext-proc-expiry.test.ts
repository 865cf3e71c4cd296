import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startHarness } from './harness.ts';

describe('expiry and eviction through the real server', () => {
  it('never serves an entry past its TTL, and the sweep removes it', async () => {
    let now = 1_000_000;
    const h = await startHarness({ 'defaults.ttlSeconds': 60 }, { now: () => now });
    try {
      await h.chat('What does TTL mean?');
      now += 59_000;
      assert.equal((await h.chat('What does TTL mean?')).headers['x-semantic-cache'], 'hit-exact');
      now += 2_000;
      const expired = await h.chat('What does TTL mean?');
      assert.equal(expired.source, 'upstream');
      assert.equal(expired.headers['x-semantic-cache'], 'miss');
      assert.equal(h.upstream.calls.length, 2);
      now += 61_000;
      assert.equal(h.server.engine.sweepExpired(), 1);
      assert.equal(h.server.admin.getNamespace('gpt-test').stats.entries, 0);
    } finally {
      await h.close();
    }
  });

  it('evicts the least recently used entry at max entries, keeping the index and the entries consistent', async () => {
    let now = 1_000_000;
    const h = await startHarness({ 'defaults.maxEntries': 3 }, { now: () => (now += 10) });
    try {
      for (const q of ['Alpha question about pods', 'Bravo question about services', 'Charlie question about ingress']) await h.chat(q);
      assert.equal((await h.chat('Alpha question about pods')).headers['x-semantic-cache'], 'hit-exact');
      await h.chat('Delta question about volumes');
      const ns = h.server.admin.getNamespace('gpt-test');
      assert.equal(ns.stats.entries, 3);
      assert.equal(ns.stats.evictions, 1);
      const prompts = h.server.admin.listEntries('gpt-test', {}).items.map((e) => e.prompt).sort();
      assert.deepEqual(prompts, ['Alpha question about pods', 'Charlie question about ingress', 'Delta question about volumes']);
      const calls = h.upstream.calls.length;
      assert.equal((await h.chat('Bravo question about services')).source, 'upstream', 'the evicted entry is gone from the index too');
      assert.equal(h.upstream.calls.length, calls + 1);
      // The index holds exactly the entries: a probe for many neighbours finds the three stored prompts.
      const probe = await h.server.admin.probe('gpt-test', 'question about', 10);
      const stored = h.server.admin.listEntries('gpt-test', {}).items.map((e) => e.prompt).sort();
      assert.deepEqual(probe.candidates.map((c) => c.entry.prompt).sort(), stored);
      assert.equal(stored.length, 3);
    } finally {
      await h.close();
    }
  });

  it('caps all namespaces together with a global maximum', async () => {
    const h = await startHarness({ maxEntriesTotal: 4 });
    try {
      for (const model of ['m1', 'm2', 'm3']) {
        for (const q of ['first question here', 'second question here']) {
          await h.envoy.send({ path: '/v1/completions', body: JSON.stringify({ model, prompt: `${model} ${q}` }) });
        }
      }
      const total = h.server.admin.listNamespaces().reduce((n, ns) => n + ns.stats.entries, 0);
      assert.equal(total, 4);
      assert.equal(h.server.admin.getNamespace('m1').stats.entries, 0, 'the oldest entries went first');
    } finally {
      await h.close();
    }
  });

  it('keeps tenants apart when a tenant header is configured', async () => {
    const h = await startHarness({ tenantHeader: 'X-Tenant' });
    try {
      await h.chat('Shared question', {}, { headers: { 'x-tenant': 'acme' } });
      assert.equal((await h.chat('Shared question', {}, { headers: { 'x-tenant': 'globex' } })).source, 'upstream');
      assert.equal((await h.chat('Shared question', {}, { headers: { 'x-tenant': 'acme' } })).headers['x-semantic-cache'], 'hit-exact');
      const names = h.server.admin.listNamespaces().map((n) => n.name).sort();
      assert.deepEqual(names, ['gpt-test|acme', 'gpt-test|globex']);
    } finally {
      await h.close();
    }
  });
});
