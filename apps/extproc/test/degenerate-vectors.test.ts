import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakePredictor } from './fake-predictor.ts';
import { startHarness } from './harness.ts';

const UNRELATED = ['How do I bake bread?', 'Who wrote Hamlet?', 'What is the boiling point of water?', 'How far away is the Moon?'];

describe('degenerate vectors through the real server', () => {
  let predictor: FakePredictor;
  before(async () => { predictor = await new FakePredictor().start(); });
  after(async () => { await predictor.close(); });

  it('a remote value beyond Float32 (Infinity after conversion) is a miss, never stored, and answers nothing', async () => {
    const poison = 'Tell me anything';
    predictor.answerFor = (text) => (text === poison ? [3.5e38, ...new Array<number>(255).fill(0.01)] : null);
    const h = await startHarness({
      'embedder.provider': 'openai', 'embedder.url': `http://127.0.0.1:${predictor.port}/v1/embeddings`, 'embedder.model': 'm',
      'embedder.dimensions': 256,
    });
    try {
      const first = await h.chat(poison);
      assert.equal(first.source, 'upstream');
      assert.equal(h.server.admin.recentLookups({ outcome: 'error' })[0]?.reason, 'embedder-degenerate');
      for (const q of UNRELATED) {
        const r = await h.chat(q);
        assert.equal(r.source, 'upstream', `'${q}' is not answered by the degenerate entry`);
      }
      const stored = h.server.admin.listEntries('gpt-test', {}).items.map((e) => e.prompt);
      assert.ok(!stored.includes(poison), 'the degenerate vector was never stored');
      assert.equal(stored.length, UNRELATED.length);
    } finally {
      predictor.answerFor = null;
      await h.close();
    }
  });

  it('a remote zero vector is a miss and never stored', async () => {
    predictor.answerFor = (text) => (text === '???' ? new Array<number>(256).fill(0) : null);
    const h = await startHarness({
      'embedder.provider': 'kserve', 'embedder.url': `http://127.0.0.1:${predictor.port}/v1/models/x:predict`, 'embedder.dimensions': 256,
    });
    try {
      await h.chat('???');
      assert.equal(h.server.admin.recentLookups({ outcome: 'error' })[0]?.reason, 'embedder-degenerate');
      assert.equal((await h.chat('???')).source, 'upstream');
      assert.equal(h.server.admin.listNamespaces()[0]?.stats.entries ?? 0, 0);
    } finally {
      predictor.answerFor = null;
      await h.close();
    }
  });

  it('the built-in embedder tells emoji and symbol prompts apart', async () => {
    const h = await startHarness();
    try {
      const prompts = ['🍕🍕🍕?', '😡😡', '???', '!!!', '→ ← ↑'];
      for (const p of prompts) assert.equal((await h.chat(p)).source, 'upstream', `'${p}' is not answered by another symbol prompt`);
      assert.equal(h.upstream.calls.length, prompts.length);
      assert.equal((await h.chat('🍕🍕🍕?')).headers['x-semantic-cache'], 'hit-exact', 'each is cached on its own');
      assert.equal((await h.chat('🍕🍕🍕 ?')).headers['x-semantic-cache'], 'hit-semantic', 'and found again in other spacing');
    } finally {
      await h.close();
    }
  });
});
