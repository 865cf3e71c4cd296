import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { inChildSpan, tracer } from './spans.ts';
import { memoryTracing } from './test-provider.ts';

describe('inChildSpan', () => {
  let t: ReturnType<typeof memoryTracing>;
  before(() => { t = memoryTracing(); });
  after(async () => { await t.close(); });

  it('starts no span outside an active one', () => {
    assert.equal(inChildSpan('orphan', (span) => span), null);
    assert.deepEqual(t.spans().map((s) => s.name), []);
  });

  it('ends a child span when a sync function returns or a promise settles, and marks failures', async () => {
    await tracer().startActiveSpan('parent', async (parent) => {
      assert.equal(inChildSpan('sync', () => 1), 1);
      assert.equal(await inChildSpan('async', async () => 2), 2);
      await assert.rejects(inChildSpan('rejects', async () => { throw new TypeError('no'); }), TypeError);
      assert.throws(() => inChildSpan('throws', () => { throw new RangeError('no'); }), RangeError);
      parent.end();
    });
    const byName = new Map(t.spans().map((s) => [s.name, s]));
    const parent = byName.get('parent')!;
    for (const name of ['sync', 'async', 'rejects', 'throws']) {
      assert.equal(byName.get(name)?.parentSpanContext?.spanId, parent.spanContext().spanId, `${name} is a child`);
    }
    assert.equal(byName.get('sync')!.status.code, SpanStatusCode.UNSET);
    assert.equal(byName.get('rejects')!.status.code, SpanStatusCode.ERROR);
    assert.equal(byName.get('throws')!.status.message, 'RangeError');
    assert.equal(byName.get('throws')!.events[0]?.name, 'exception');
  });
});
