import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiError, NearMissList, SimilarityHistogram, ThresholdPreview } from '@semcache/shared';
import { MemoryAdmin } from '../testing/memory-admin.ts';
import { lookupEvent } from '../testing/lookup-events.ts';
import { testApp } from '../testing/test-app.ts';

function withTraffic() {
  const t = testApp(new MemoryAdmin().addNamespace('gpt-test').addNamespace('other'));
  const near = lookupEvent({ namespace: 'gpt-test', similarity: 0.75, threshold: 0.8 });
  const far = lookupEvent({ namespace: 'gpt-test', similarity: 0.3, threshold: 0.8 });
  const hit = lookupEvent({ namespace: 'gpt-test', similarity: 0.85, threshold: 0.8, outcome: 'semantic' });
  const elsewhere = lookupEvent({ namespace: 'other', similarity: 0.78, threshold: 0.8 });
  for (const e of [far, near, hit, elsewhere]) t.admin.record(e);
  return { t, near, far, hit };
}

describe('analytics routes', () => {
  it('lists the near misses of a namespace with the default margin and their labels', async () => {
    const { t, near } = withTraffic();
    t.admin.labelLookup('gpt-test', { lookupId: near.id, verdict: 'same', by: 'ops' });
    const body = (await (await t.call('GET', '/api/namespaces/gpt-test/near-misses')).json()) as NearMissList;
    assert.equal(body.margin, 0.1);
    assert.equal(body.threshold, 0.8);
    assert.deepEqual(body.items.map((n) => [n.lookupId, n.prompt, n.candidatePrompt, n.label]), [
      [near.id, near.prompt, near.candidatePrompt, 'same'],
    ]);
    const wide = (await (await t.call('GET', '/api/namespaces/gpt-test/near-misses?margin=0.6')).json()) as NearMissList;
    assert.equal(wide.items.length, 2);
  });

  it('bins the namespace\'s lookups with the bins asked for', async () => {
    const { t } = withTraffic();
    const body = (await (await t.call('GET', '/api/namespaces/gpt-test/similarity-histogram?bins=10')).json()) as SimilarityHistogram;
    assert.equal(body.bins.length, 10);
    assert.equal(body.lookups, 3);
    assert.equal(body.threshold, 0.8);
    assert.deepEqual(body.bins.map((b) => b.miss + b.semantic), [0, 0, 0, 1, 0, 0, 0, 1, 1, 0]);
    assert.equal(body.bins[8]!.semantic, 1);
  });

  it('refuses a histogram with bad bins or an empty range', async () => {
    const { t } = withTraffic();
    for (const [query, field] of [['bins=0', 'bins'], ['bins=1000', 'bins'], ['from=0.9&to=0.5', 'from']]) {
      const res = await t.call('GET', `/api/namespaces/gpt-test/similarity-histogram?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(((await res.json()) as ApiError).error.field, field);
    }
  });

  it('previews a threshold without changing it', async () => {
    const { t, near, hit } = withTraffic();
    const lower = (await (await t.call('GET', '/api/namespaces/gpt-test/threshold-preview?threshold=0.7')).json()) as ThresholdPreview;
    assert.equal(lower.currentThreshold, 0.8);
    assert.equal(lower.proposedThreshold, 0.7);
    assert.deepEqual(lower.missToHit.examples.map((e) => e.lookupId), [near.id]);
    const higher = (await (await t.call('GET', '/api/namespaces/gpt-test/threshold-preview?threshold=0.9')).json()) as ThresholdPreview;
    assert.deepEqual(higher.hitToMiss.examples.map((e) => e.lookupId), [hit.id]);
    assert.equal(t.admin.settings.get('gpt-test')!.threshold, 0.8);
  });

  it('needs a threshold in [0, 1] for a preview and a known namespace', async () => {
    const { t } = withTraffic();
    for (const query of ['', '?threshold=1.2', '?threshold=x']) {
      const res = await t.call('GET', `/api/namespaces/gpt-test/threshold-preview${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(((await res.json()) as ApiError).error.field, 'threshold');
    }
    assert.equal((await t.call('GET', '/api/namespaces/nope/threshold-preview?threshold=0.5')).status, 404);
    assert.equal((await t.call('GET', '/api/namespaces/nope/near-misses')).status, 404);
  });
});
