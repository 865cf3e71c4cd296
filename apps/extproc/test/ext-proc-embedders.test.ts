import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { FakePredictor } from './fake-predictor.ts';
import { startHarness } from './harness.ts';

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('remote embedders', () => {
  let predictor: FakePredictor;
  before(async () => { predictor = await new FakePredictor().start(); });
  after(async () => { await predictor.close(); });

  it('KServe v1 :predict with a Host header override: paraphrases hit, as in the original setup (env vars)', async () => {
    const h = await startHarness({
      'embedder.provider': 'kserve',
      'embedder.url': `http://127.0.0.1:${predictor.port}/v1/models/minilm:predict`,
      'embedder.host': 'minilm.models.example.com',
      'defaults.threshold': 0.75,
    });
    try {
      await h.chat('What is Kubernetes');
      const hit = await h.chat('Kubernetes what is it anyway');
      assert.equal(hit.headers['x-semantic-cache'], 'hit-semantic');
      assert.equal(h.upstream.calls.length, 1);
      assert.ok(predictor.calls.length >= 2);
      for (const call of predictor.calls) {
        assert.equal(call.host, 'minilm.models.example.com');
        assert.equal(call.path, '/v1/models/minilm:predict');
        assert.ok(Array.isArray((call.body as { instances: unknown }).instances));
      }
      assert.deepEqual(h.server.engine.embedder.identity, { provider: 'kserve', model: 'kserve', version: '1', dimensions: 256 });
    } finally {
      await h.close();
    }
  });

  it('OpenAI-compatible /v1/embeddings', async () => {
    predictor.calls.length = 0;
    const h = await startHarness({ 'embedder.provider': 'openai', 'embedder.url': `http://127.0.0.1:${predictor.port}/v1/embeddings`, 'embedder.model': 'text-embedding-3-small', 'embedder.apiKey': 'sk-test' });
    try {
      await h.chat('How do I scale a deployment?');
      await h.chat('How do I scale a deployment?');
      await h.chat('How can I scale a deployment');
      assert.equal(predictor.calls.length, 3, 'the start-up probe, then two prompts: the exact repeat skipped the embedder');
      assert.deepEqual((predictor.calls[1]!.body as { input: string[] }).input, ['How do I scale a deployment?']);
    } finally {
      await h.close();
    }
  });

  it('an embedder that refuses connections: every request passes through to the model', async () => {
    const port = await closedPort();
    const h = await startHarness({ 'embedder.provider': 'kserve', 'embedder.url': `http://127.0.0.1:${port}/v1/models/x:predict` });
    try {
      for (let i = 0; i < 3; i++) {
        const r = await h.chat('Is the embedder up?');
        assert.equal(r.status, 200);
        assert.equal(r.source, 'upstream');
      }
      assert.equal(h.upstream.calls.length, 3);
      const events = h.server.admin.recentLookups({ outcome: 'error' });
      assert.equal(events.length, 3);
      assert.equal(events[0]!.reason, 'embedder-unavailable');
    } finally {
      await h.close();
    }
  });

  it('an embedder slower than its timeout: the request passes through well inside Envoy\'s message timeout', async () => {
    predictor.delayMs = 2000;
    const h = await startHarness(
      { 'embedder.provider': 'kserve', 'embedder.url': `http://127.0.0.1:${predictor.port}/v1/models/x:predict`, 'embedder.timeoutMs': 150 },
      {},
      { messageTimeoutMs: 1000, failureModeAllow: false },
    );
    try {
      const r = await h.chat('Slow embedder question');
      assert.equal(r.status, 200, 'no 504 from the message timeout');
      assert.equal(r.source, 'upstream');
      assert.equal(h.server.admin.recentLookups({ outcome: 'error' })[0]!.reason, 'embedder-timeout');
    } finally {
      predictor.delayMs = 0;
      await h.close();
    }
  });
});
