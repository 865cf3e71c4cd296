import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from './harness.ts';
import { OtlpReceiver, type ReceivedSpan } from './otlp-receiver.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const traceparent = (spanId = CLIENT_SPAN) => ({ traceparent: `00-${TRACE_ID}-${spanId}-01`, tracestate: 'vendor=x' });

const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan) => spans.filter((s) => s.parentSpanId === parent.spanId).map((s) => s.name).sort();

describe('OpenTelemetry tracing through the real gRPC server, into an OTLP receiver', () => {
  const receiver = new OtlpReceiver();
  let spans: ReceivedSpan[];
  let hitEntry: string | undefined;

  before(async () => {
    const endpoint = await receiver.start();
    const h = await startHarness({ 'tracing.endpoint': `${endpoint}/`, 'tracing.serviceName': 'semcache-test' });
    try {
      await h.chat('How do I rotate the TLS certificates of cluster 1', {}, { headers: traceparent('00f067aa0ba90001') });
      // The store span follows the reply; give it its turn before the next lookup.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const exact = await h.chat('How do I rotate the TLS certificates of cluster 1', {}, { headers: traceparent('00f067aa0ba90002') });
      assert.equal(exact.source, 'immediate');
      hitEntry = exact.headers['x-semantic-cache-entry'];
      const semantic = await h.chat('how do i rotate the tls certificates of cluster 1 please', {}, { headers: traceparent('00f067aa0ba90003') });
      assert.equal(semantic.headers['x-semantic-cache'], 'hit-semantic');
      await h.chat('How do I rotate the TLS certificates of cluster 2', {}, { headers: traceparent('00f067aa0ba90004') });
      await h.chat('A question without a trace context');
    } finally {
      // Closing flushes the batch of spans.
      await h.close();
    }
    spans = receiver.spans;
  });
  after(async () => { await receiver.close(); });

  const streamSpan = (parent: string) => {
    const found = spans.filter((s) => s.name === 'semcache ext_proc' && s.parentSpanId === parent);
    assert.equal(found.length, 1, `one stream span under client span ${parent}`);
    return found[0]!;
  };

  it('sends JSON to <endpoint>/v1/traces with the configured service name', () => {
    assert.deepEqual(receiver.rejected, []);
    assert.ok(spans.length > 0);
    assert.ok(spans.every((s) => s.service === 'semcache-test'));
  });

  it('continues the W3C trace context of each request: one server span per ext_proc stream', () => {
    for (const id of ['00f067aa0ba90001', '00f067aa0ba90002', '00f067aa0ba90003', '00f067aa0ba90004']) {
      const span = streamSpan(id);
      assert.equal(span.traceId, TRACE_ID);
      assert.equal(span.kind, 2, 'SpanKind.SERVER in OTLP numbering');
      assert.equal(span.attributes['url.path'], '/v1/chat/completions');
    }
    const own = spans.filter((s) => s.name === 'semcache ext_proc' && s.parentSpanId === '');
    assert.equal(own.length, 1, 'a request without traceparent starts a trace of its own');
    assert.notEqual(own[0]!.traceId, TRACE_ID);
  });

  it('a miss has embedding and search children, then a store span with the new entry', () => {
    const miss = streamSpan('00f067aa0ba90001');
    assert.deepEqual(childrenOf(spans, miss), ['semcache.embedding', 'semcache.search', 'semcache.store']);
    assert.equal(miss.attributes['semcache.outcome'], 'miss');
    assert.equal(miss.attributes['semcache.namespace'], 'gpt-test');
    const store = spans.find((s) => s.name === 'semcache.store' && s.parentSpanId === miss.spanId)!;
    assert.equal(store.attributes['semcache.entry_id'], hitEntry, 'the entry stored is the one the repeat is answered with');
  });

  it('an exact hit needs no embedding; its span names the entry and similarity 1', () => {
    const exact = streamSpan('00f067aa0ba90002');
    assert.deepEqual(childrenOf(spans, exact), []);
    assert.equal(exact.attributes['semcache.outcome'], 'exact');
    assert.equal(exact.attributes['semcache.entry_id'], hitEntry);
    assert.equal(exact.attributes['semcache.similarity'], 1);
  });

  it('a semantic hit has embedding, search and guard children, and its similarity', () => {
    const semantic = streamSpan('00f067aa0ba90003');
    assert.deepEqual(childrenOf(spans, semantic), ['semcache.embedding', 'semcache.guard', 'semcache.search']);
    assert.equal(semantic.attributes['semcache.outcome'], 'semantic');
    assert.equal(semantic.attributes['semcache.entry_id'], hitEntry);
    const similarity = semantic.attributes['semcache.similarity'] as number;
    assert.ok(similarity > 0.78 && similarity < 1, `similarity ${similarity}`);
    const guard = spans.find((s) => s.name === 'semcache.guard' && s.parentSpanId === semantic.spanId)!;
    assert.equal(guard.attributes['semcache.guard.verdict'], 'pass');
  });

  it('a guarded near miss records the guard\'s verdict and the candidate, and never a prompt', () => {
    const guarded = streamSpan('00f067aa0ba90004');
    assert.equal(guarded.attributes['semcache.outcome'], 'guarded');
    assert.equal(guarded.attributes['semcache.candidate_id'], hitEntry);
    const guard = spans.find((s) => s.name === 'semcache.guard' && s.parentSpanId === guarded.spanId)!;
    assert.notEqual(guard.attributes['semcache.guard.verdict'], 'pass');
    for (const s of spans) {
      for (const v of Object.values(s.attributes)) assert.ok(!String(v).includes('rotate'), `no prompt text in ${s.name}`);
    }
  });
});

describe('tracing with the collector down', () => {
  let h: Harness;
  before(async () => {
    // A port that was free a moment ago: nothing listens there.
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    h = await startHarness({ 'tracing.endpoint': `http://127.0.0.1:${closed}` });
  });

  it('answers misses and hits as usual, and closes without an error', async () => {
    assert.equal((await h.chat('Which port does etcd listen on', {}, { headers: traceparent() })).source, 'upstream');
    assert.equal((await h.chat('Which port does etcd listen on', {}, { headers: traceparent() })).source, 'immediate');
    await h.close();
  });
});
