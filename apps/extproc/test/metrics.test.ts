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
