import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startHarness } from './harness.ts';

const completion = (model: string, prompt: string, headers: Record<string, string> = {}) => ({
  path: '/v1/completions',
  body: JSON.stringify({ model, prompt }),
  headers,
});

describe('tenant isolation through the real server', () => {
  it('a model name containing | never reaches another tenant\'s namespace', async () => {
    // Plain labels, so that the test can name each partition's series; hashed labels are tested in src/metrics.
    const h = await startHarness({ tenantHeader: 'x-tenant', 'tenant.required': false, 'metrics.tenantLabels': 'plain' });
    try {
      await h.envoy.send(completion('gpt-tenant', 'What is our refund policy?', { 'x-tenant': 'acme' }));
      const forged = await h.envoy.send(completion('gpt-tenant|acme', 'What is our refund policy?'));
      assert.equal(forged.source, 'upstream', 'a model name must not name a tenant');
      assert.equal(forged.headers['x-semantic-cache'], 'miss');

      await h.envoy.send(completion('m', 'Tell me the secret plan', { 'x-tenant': 'a|b' }));
      const other = await h.envoy.send(completion('m|a', 'Tell me the secret plan', { 'x-tenant': 'b' }));
      assert.equal(other.source, 'upstream', 'tenant a|b of m and tenant b of m|a are different partitions');

      const namespaces = h.server.admin.listNamespaces();
      assert.equal(namespaces.length, 4);
      assert.equal(new Set(namespaces.map((n) => n.name)).size, 4);
      const parts = namespaces.map((n) => `${n.model} / ${n.tenant}`).sort();
      assert.deepEqual(parts, ['gpt-tenant / acme', 'gpt-tenant|acme / null', 'm / a|b', 'm|a / b']);
      for (const ns of namespaces) assert.equal(h.server.admin.getNamespace(ns.name).name, ns.name, 'each name finds its own namespace');
      const metrics = await (await fetch(`http://127.0.0.1:${h.server.httpPort}/metrics`)).text();
      for (const label of ['gpt-tenant|acme', 'gpt-tenant%7Cacme', 'm|a%7Cb', 'm%7Ca|b']) {
        assert.ok(metrics.includes(`semcache_entries{namespace="${label}"} 1`), `a metrics label of its own: ${label}`);
      }
    } finally {
      await h.close();
    }
  });

  it('with a tenant header configured, a request without it passes through by default', async () => {
    const h = await startHarness({ tenantHeader: 'x-tenant' });
    try {
      await h.envoy.send(completion('gpt-test', 'Which plan am I on?'));
      const again = await h.envoy.send(completion('gpt-test', 'Which plan am I on?'));
      assert.equal(again.source, 'upstream');
      assert.equal(again.headers['x-semantic-cache'], 'bypass');
      const empty = await h.envoy.send(completion('gpt-test', 'Which plan am I on?', { 'x-tenant': '' }));
      assert.equal(empty.headers['x-semantic-cache'], 'bypass', 'an empty tenant is no tenant');
      assert.equal(h.upstream.calls.length, 3);
      assert.equal(h.server.admin.listNamespaces().reduce((n, ns) => n + ns.stats.entries, 0), 0, 'nothing stored');
      const metrics = await (await fetch(`http://127.0.0.1:${h.server.httpPort}/metrics`)).text();
      assert.match(metrics, /semcache_requests_uncacheable_total\{reason="no-tenant"\} 3/);

      await h.envoy.send(completion('gpt-test', 'Which plan am I on?', { 'x-tenant': 'acme' }));
      const tenantHit = await h.envoy.send(completion('gpt-test', 'Which plan am I on?', { 'x-tenant': 'acme' }));
      assert.equal(tenantHit.headers['x-semantic-cache'], 'hit-exact');
    } finally {
      await h.close();
    }
  });

  it('tenant.required false shares one tenant-less namespace among requests without the header', async () => {
    // Plain labels, so that the test can name each partition's series; hashed labels are tested in src/metrics.
    const h = await startHarness({ tenantHeader: 'x-tenant', 'tenant.required': false, 'metrics.tenantLabels': 'plain' });
    try {
      await h.envoy.send(completion('gpt-test', 'Which plan am I on?'));
      const again = await h.envoy.send(completion('gpt-test', 'Which plan am I on?'));
      assert.equal(again.headers['x-semantic-cache'], 'hit-exact');
      const tenant = await h.envoy.send(completion('gpt-test', 'Which plan am I on?', { 'x-tenant': 'acme' }));
      assert.equal(tenant.source, 'upstream', 'a tenant never gets the tenant-less answer');
    } finally {
      await h.close();
    }
  });

  it('keeps the partitions apart in the admin API paths and across a restart from the data directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'semcache-tenants-'));
    const settings = { tenantHeader: 'x-tenant', 'tenant.required': false, 'store.persist': true, 'store.dataDir': dir };
    try {
      const first = await startHarness(settings);
      await first.envoy.send(completion('m', 'Tell me the secret plan', { 'x-tenant': 'a|b' }));
      await first.envoy.send(completion('m|a', 'What is the public plan?', { 'x-tenant': 'b' }));
      await first.close();

      const second = await startHarness(settings);
      try {
        const names = second.server.admin.listNamespaces().map((n) => n.name);
        assert.equal(names.length, 2);
        for (const name of names) {
          const res = await fetch(`http://127.0.0.1:${second.server.httpPort}/api/namespaces/${encodeURIComponent(name)}/entries`);
          assert.equal(res.status, 200);
          const { items } = (await res.json()) as { items: { prompt: string }[] };
          assert.equal(items.length, 1);
        }
        const secret = await second.envoy.send(completion('m', 'Tell me the secret plan', { 'x-tenant': 'a|b' }));
        assert.equal(secret.headers['x-semantic-cache'], 'hit-exact', 'reloaded into its own partition');
        const forged = await second.envoy.send(completion('m|a', 'Tell me the secret plan', { 'x-tenant': 'b' }));
        assert.equal(forged.source, 'upstream');
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
