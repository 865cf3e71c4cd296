import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BuiltinHashedEmbedder } from '../embedders/builtin-hashed.ts';
import { tracer } from './spans.ts';
import { memoryTracing } from './test-provider.ts';
import { TracedEmbedder, tracedGuard } from './traced-parts.ts';

describe('traced embedder and guard', () => {
  let t: ReturnType<typeof memoryTracing>;
  before(() => { t = memoryTracing(); });
  after(async () => { await t.close(); });

  it('embed as the inner embedder does, with the same identity, in a child span', async () => {
    const inner = new BuiltinHashedEmbedder({ dimensions: 64 });
    const traced = new TracedEmbedder(inner);
    assert.deepEqual(traced.identity, inner.identity);
    assert.equal(traced.defaultThreshold, inner.defaultThreshold);
    const [v] = await tracer().startActiveSpan('stream', async (s) => {
      const out = await traced.embed(['hello world']);
      s.end();
      return out;
    });
    assert.deepEqual(v, (await inner.embed(['hello world']))[0]);
    const span = t.spans().find((s) => s.name === 'semcache.embedding')!;
    assert.equal(span.attributes['semcache.embedder'], `${inner.identity.provider}/${inner.identity.model}`);
  });

  it('judge as the inner guard does and record the verdict', () => {
    const guard = tracedGuard((q, c) => (q === c ? null : 'number-swap'));
    tracer().startActiveSpan('stream', (s) => {
      assert.equal(guard('a', 'a'), null);
      assert.equal(guard('a', 'b'), 'number-swap');
      s.end();
    });
    const verdicts = t.spans().filter((s) => s.name === 'semcache.guard').map((s) => s.attributes['semcache.guard.verdict']);
    assert.deepEqual(verdicts, ['pass', 'number-swap']);
  });
});
