import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { HttpHeaders } from '@semcache/proto';
import type { StreamProcessor } from '../grpc/processor.ts';
import { continueReply } from '../grpc/replies.ts';
import { memoryTracing } from './test-provider.ts';
import { TracedProcessor } from './traced-processor.ts';

const headers = (h: Record<string, string>): HttpHeaders =>
  ({ headers: { headers: Object.entries(h).map(([key, v]) => ({ key, raw_value: Buffer.from(v) })) } }) as unknown as HttpHeaders;

/** Records the span active in each phase, and fails where told. */
class Probe implements StreamProcessor {
  active: (string | undefined)[] = [];
  finishedCalls = 0;
  failBody = false;
  requestHeaders() { this.active.push(trace.getActiveSpan()?.spanContext().spanId); return continueReply('request_headers'); }
  async requestBody() {
    await new Promise((r) => setImmediate(r));
    this.active.push(trace.getActiveSpan()?.spanContext().spanId);
    if (this.failBody) throw new TypeError('broken');
    return continueReply('request_body');
  }
  responseHeaders() { return continueReply('response_headers'); }
  responseBody() { return continueReply('response_body', { done: true }); }
  finished() { this.finishedCalls++; }
}

describe('TracedProcessor', () => {
  let t: ReturnType<typeof memoryTracing>;
  before(() => {
    t = memoryTracing();
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  after(async () => { propagation.disable(); await t.close(); });
  let probe: Probe;
  beforeEach(() => { probe = new Probe(); });

  it('continues the traceparent, keeps its span active across awaits, and ends it when the stream is finished', async () => {
    const p = new TracedProcessor(probe);
    p.requestHeaders(headers({ ':method': 'POST', ':path': '/v1/chat/completions?key=secret', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }));
    await p.requestBody({ body: new Uint8Array(), end_of_stream: true });
    assert.equal(t.spans().length, 0, 'open until the stream is over');
    p.finished();
    const [span] = t.spans();
    assert.equal(span!.spanContext().traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(span!.parentSpanContext?.spanId, 'b7ad6b7169203331');
    assert.equal(span!.attributes['url.path'], '/v1/chat/completions', 'the query string stays out');
    assert.deepEqual(probe.active, [span!.spanContext().spanId, span!.spanContext().spanId]);
    assert.equal(probe.finishedCalls, 1);
  });

  it('marks and ends the span when a phase fails, and rethrows for the stream loop to pass through', async () => {
    probe.failBody = true;
    const p = new TracedProcessor(probe);
    p.requestHeaders(headers({ ':method': 'POST', ':path': '/v1/completions' }));
    await assert.rejects(Promise.resolve(p.requestBody({ body: new Uint8Array(), end_of_stream: true })), TypeError);
    const failedSpan = t.spans().at(-1)!;
    assert.equal(failedSpan.status.code, SpanStatusCode.ERROR);
    assert.equal(failedSpan.parentSpanContext, undefined, 'no traceparent: a trace of its own');
    p.finished();
    assert.equal(t.spans().filter((s) => s.spanContext().spanId === failedSpan.spanContext().spanId).length, 1, 'ended once');
  });
});
