import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, startHarness, type Harness } from './harness.ts';

/** Samples of a Prometheus text exposition, keyed `name{labels}` as written (labels in prom-client's order). */
function parseSamples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe('GET /metrics after traffic through the real server', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h.close(); });

  it('reports lookups, hits, tokens saved, stream durations and store skips, with no prompt in any label', async () => {
    const first = await h.chat('How do I rotate the TLS certificates of my cluster');
    assert.equal(first.source, 'upstream');
    const usage = json(first.body).usage as { total_tokens: number };
    assert.equal((await h.chat('How do I rotate the TLS certificates of my cluster')).source, 'immediate');
    h.upstream.handler = () => ({ status: 503, body: { error: { message: 'overloaded' } } });
    assert.equal((await h.chat('Which port does etcd listen on')).status, 503);

    const res = await fetch(`http://127.0.0.1:${h.server.httpPort}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const s = parseSamples(text);
    assert.equal(s.get('semcache_lookups_total{namespace="gpt-test",outcome="miss"}'), 2);
    assert.equal(s.get('semcache_lookups_total{namespace="gpt-test",outcome="exact"}'), 1);
    assert.equal(s.get('semcache_hits_total{namespace="gpt-test"}'), 1);
    assert.equal(s.get('semcache_misses_total{namespace="gpt-test"}'), 2);
    assert.equal(s.get('semcache_tokens_saved_total{namespace="gpt-test"}'), usage.total_tokens);
    assert.equal(s.get('semcache_store_skips_total{reason="status"}'), 1);
    assert.equal(s.get('semcache_entries{namespace="gpt-test"}'), 1);
    assert.equal(s.get('semcache_extproc_stream_duration_seconds_count'), 3);
    assert.equal(s.get('semcache_embedding_duration_seconds_count'), 2);
    assert.ok((s.get('process_resident_memory_bytes') ?? 0) > 0, 'process metrics are exported too');
    assert.doesNotMatch(text, /TLS certificates|etcd/);
  });
});

describe('GET /metrics with tokens configured, through the real server', () => {
  const READ = 'read-token-metrics-0123456789';
  const SCRAPE = 'prometheus-token-0123456789';
  let h: Harness;
  before(async () => {
    h = await startHarness({ 'admin.readTokens': [READ], 'metrics.tokens': [SCRAPE], tenantHeader: 'x-tenant' });
    await h.chat('How many replicas does my deployment have', {}, { headers: { 'x-tenant': 'acme-corp' } });
  });
  after(async () => { await h.close(); });

  const scrape = (token: string | null) =>
    fetch(`http://127.0.0.1:${h.server.httpPort}/metrics`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });

  it('refuses a scrape without a token or with an unknown one', async () => {
    assert.equal((await scrape(null)).status, 401);
    assert.equal((await scrape('not-a-configured-token-0000')).status, 401);
  });

  it('takes a read token or a metrics token; the metrics token reads nothing else', async () => {
    assert.equal((await scrape(READ)).status, 200);
    assert.equal((await scrape(SCRAPE)).status, 200);
    const api = await fetch(`http://127.0.0.1:${h.server.httpPort}/api/namespaces`, { headers: { authorization: `Bearer ${SCRAPE}` } });
    assert.equal(api.status, 401);
  });

  it('names no tenant in a label: the tenant appears as a hash', async () => {
    const text = await (await scrape(SCRAPE)).text();
    assert.doesNotMatch(text, /acme-corp/);
    assert.match(text, /semcache_lookups_total\{namespace="gpt-test\|#[0-9a-f]{12}",outcome="miss"\} 1/);
  });
});

describe('GET /metrics opened to Prometheus on purpose', () => {
  it('needs no token with metrics.requireToken false, and drops tenants when told', async () => {
    const h = await startHarness({ 'admin.readTokens': ['read-token-metrics-0123456789'], 'metrics.requireToken': false, 'metrics.tenantLabels': 'drop', tenantHeader: 'x-tenant' });
    try {
      await h.chat('How many replicas does my deployment have', {}, { headers: { 'x-tenant': 'acme-corp' } });
      await h.chat('How many replicas does my deployment have', {}, { headers: { 'x-tenant': 'globex' } });
      const res = await fetch(`http://127.0.0.1:${h.server.httpPort}/metrics`);
      assert.equal(res.status, 200);
      const s = parseSamples(await res.text());
      assert.equal(s.get('semcache_lookups_total{namespace="gpt-test",outcome="miss"}'), 2, "both tenants' lookups under the model");
    } finally {
      await h.close();
    }
  });
});
