import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiError, EpochResult, EvictionResult } from '@semcache/shared';
import { READ_TOKEN, testApp } from '../testing/test-app.ts';

function withEntries() {
  const t = testApp();
  t.admin.addEntry('gpt-test', 'What is Kubernetes', 1000, { tags: ['k8s', 'faq'], modelRevision: 'gpt-test-2024-01' });
  t.admin.addEntry('gpt-test', 'How do I list pods', 2000, { tags: ['k8s'], modelRevision: 'gpt-test-2024-06' });
  t.admin.addEntry('gpt-test', 'Best pizza in Rome', 3000, { tags: ['food'], modelRevision: 'gpt-test-2024-06' });
  return t;
}

const evict = (t: ReturnType<typeof testApp>, body: unknown, token?: string) =>
  t.call('POST', '/api/namespaces/gpt-test/evictions', { body, ...(token ? { token } : {}) });

describe('invalidation routes', () => {
  it('a dry run counts and samples the matches, changes nothing and writes no audit line', async () => {
    const t = withEntries();
    const res = await evict(t, { tags: ['K8S'], dryRun: true, sample: 1 });
    assert.equal(res.status, 200);
    const body = (await res.json()) as EvictionResult;
    assert.equal(body.dryRun, true);
    assert.equal(body.matched, 2);
    assert.deepEqual(body.sample.map((e) => e.prompt), ['How do I list pods'], 'newest first, as many as asked');
    assert.deepEqual(body.evicted, []);
    assert.equal(t.admin.entries.length, 3);
    assert.deepEqual(t.logger.audits(), []);
  });

  it('the real run evicts what every criterion matches, returns the ids and audits them with the selector', async () => {
    const t = withEntries();
    const listPods = t.admin.entries[1]!.id;
    const res = await evict(t, { tags: ['k8s'], modelRevision: 'gpt-test-2024-06' });
    const body = (await res.json()) as EvictionResult;
    assert.equal(body.matched, 1);
    assert.deepEqual(body.evicted, [listPods]);
    assert.deepEqual(t.admin.entries.map((e) => e.prompt), ['What is Kubernetes', 'Best pizza in Rome']);
    const [line] = t.logger.audits();
    assert.equal(line!.action, 'entry.evict-selected');
    assert.equal(line!.by, 'ops');
    assert.deepEqual(line!.selector, { tags: ['k8s'], modelRevision: 'gpt-test-2024-06' });
    assert.deepEqual(line!.evictedIds, [listPods]);
  });

  it('refuses an empty or malformed selector with 400 naming the field, and loses nothing', async () => {
    const t = withEntries();
    const cases: [unknown, string | null][] = [
      [{}, null], [{ dryRun: true }, null], [{ tags: [] }, 'tags'], [{ tags: ['a b'] }, 'tags.0'],
      [{ olderThanSeconds: -1 }, 'olderThanSeconds'], [{ similarTo: { prompt: 'x' } }, 'similarTo.minSimilarity'],
      [{ text: 'pods', colour: 'red' }, 'colour'], [{ text: 'pods', sample: 101 }, 'sample'],
    ];
    for (const [body, field] of cases) {
      const res = await evict(t, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(((await res.json()) as ApiError).error.field, field, JSON.stringify(body));
    }
    assert.equal(t.admin.entries.length, 3);
  });

  it('needs an admin token, even for a dry run; 404 for an unknown namespace', async () => {
    const t = withEntries();
    assert.equal((await evict(t, { text: 'pods', dryRun: true }, READ_TOKEN)).status, 403);
    assert.equal((await t.call('POST', '/api/namespaces/nope/evictions', { body: { text: 'pods' } })).status, 404);
    assert.equal((await t.call('POST', '/api/namespaces/gpt-test/epoch', { token: READ_TOKEN })).status, 403);
  });

  it('an epoch flush reports the new epoch and what it superseded, and audits both', async () => {
    const t = withEntries();
    const res = await t.call('POST', '/api/namespaces/gpt-test/epoch');
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()) as EpochResult, { namespace: 'gpt-test', epoch: 1, superseded: 3 });
    const [line] = t.logger.audits();
    assert.equal(line!.action, 'namespace.epoch');
    assert.deepEqual(line!.old, { epoch: 0, entries: 3 });
    assert.deepEqual(line!.new, { epoch: 1, entries: 0 });
    assert.equal((await t.call('POST', '/api/namespaces/nope/epoch')).status, 404);
  });
});
