import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Harness } from './harness.ts';
import { eventually, sharedRedis } from './replicas.ts';

const PREFIX = 'semcache-partition';

const completion = (h: Harness, model: string, prompt: string, tenant?: string) =>
  h.envoy.send({ path: '/v1/completions', body: JSON.stringify({ model, prompt }), headers: tenant ? { 'x-tenant': tenant } : {} });

describe('partition keys in Redis (a real redis-server, two replicas)', () => {
  const shared = sharedRedis(PREFIX, { tenantHeader: 'x-tenant', 'tenant.required': false });
  const { redis } = shared;
  const replica = () => shared.replica();
  before(() => shared.start());
  after(() => shared.close());

  it('replicates colliding-looking partitions into their own namespaces, and skips a change no partition has', async () => {
    const a = await replica();
    const b = await replica();
    await completion(a, 'm', 'Tell me the secret plan', 'a|b');
    await completion(a, 'm|a', 'Tell me the public plan', 'b');
    const entries = (h: Harness) => h.server.admin.listNamespaces().map((n) => `${n.model}/${n.tenant}:${n.stats.entries}`).sort();
    await eventually('both entries replicated', () => entries(b).join() === 'm/a|b:1,m|a/b:1');

    const forged = await completion(b, 'm|a', 'Tell me the secret plan', 'b');
    assert.equal(forged.source, 'upstream', 'the other partition does not see it on the replica either');

    const settings = JSON.stringify({ threshold: 0.9, ttlSeconds: 60, maxEntries: 10, enabled: true, guard: true, clientControls: 'all' });
    await promisify(execFile)('/usr/bin/redis-cli', ['-p', String(redis.port), 'XADD', `{${PREFIX}}:changes`, '*', 'o', 'intruder', 't', 'settings', 'n', 'm|a|b', 's', settings]);
    await completion(a, 'm', 'A question after the bad change', 'a|b');
    await eventually('the replica went on past the bad change', () => entries(b).includes('m/a|b:2'));
    const metrics = await (await fetch(`http://127.0.0.1:${b.server.httpPort}/metrics`)).text();
    assert.match(metrics, /semcache_store_load_problems_total\{store="redis",kind="bad-entry"\} 1/, 'skipped and counted, not a reload of everything');
  });
});
