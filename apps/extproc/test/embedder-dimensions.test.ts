import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakePredictor } from './fake-predictor.ts';
import { startHarness } from './harness.ts';

const THREE = [0.6, 0.8, 0];

describe('remote embedder dimensions (real server, embedder on 127.0.0.1)', () => {
  let predictor: FakePredictor;
  let kserve: Record<string, unknown>;
  before(async () => {
    predictor = await new FakePredictor().start();
    kserve = { 'embedder.provider': 'kserve', 'embedder.url': `http://127.0.0.1:${predictor.port}/v1/models/x:predict` };
  });
  after(async () => { await predictor.close(); });

  it('a start-up probe fixes the dimensions: a bad first answer is an error and caching goes on', async () => {
    predictor.calls.length = 0;
    const h = await startHarness(kserve);
    try {
      assert.equal(h.server.engine.embedder.identity.dimensions, 256, 'known before the first request');
      assert.equal(predictor.calls.length, 1, 'one probe at start');
      predictor.answerFor = () => THREE;
      const bad = await h.chat('A first question answered badly');
      assert.equal(bad.source, 'upstream');
      assert.equal(h.server.admin.recentLookups({ outcome: 'error' })[0]?.reason, 'embedder-bad-response');
      predictor.answerFor = null;
      await h.chat('How do I drain a node?');
      assert.equal((await h.chat('How can I drain a node')).headers['x-semantic-cache'], 'hit-semantic');
      assert.deepEqual(h.server.admin.listEntries('gpt-test', {}).items.map((e) => e.prompt), ['How do I drain a node?']);
    } finally {
      predictor.answerFor = null;
      await h.close();
    }
  });

  it('configured dimensions need no probe and reject answers of another size', async () => {
    predictor.calls.length = 0;
    const h = await startHarness({ ...kserve, 'embedder.dimensions': 256 });
    try {
      assert.equal(predictor.calls.length, 0);
      predictor.answerFor = (text) => (text.startsWith('Short') ? THREE : null);
      await h.chat('Short vector question');
      assert.equal(h.server.admin.recentLookups({ outcome: 'error' })[0]?.reason, 'embedder-bad-response');
      await h.chat('A normal question');
      assert.equal((await h.chat('A normal question')).headers['x-semantic-cache'], 'hit-exact');
    } finally {
      predictor.answerFor = null;
      await h.close();
    }
  });

  it('entries of other dimensions in the data directory are not loaded, and storing works after the restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'semcache-dims-'));
    const persisted = { ...kserve, 'store.persist': true, 'store.dataDir': dir };
    try {
      predictor.answerFor = () => THREE;
      const first = await startHarness({ ...persisted, 'embedder.dimensions': 3 });
      await first.chat('Stored with three dimensions');
      assert.equal(first.server.admin.listEntries('gpt-test', {}).total, 1);
      await first.close();

      predictor.answerFor = null;
      const second = await startHarness(persisted);
      try {
        assert.equal(second.server.admin.listNamespaces().reduce((n, ns) => n + ns.stats.entries, 0), 0, 'no 3-dimensional entry loaded');
        assert.ok((await readdir(dir)).some((f) => f.includes('embedder-mismatch')), 'the file is kept aside');
        await second.chat('A question after the restart');
        assert.equal((await second.chat('A question after the restart')).headers['x-semantic-cache'], 'hit-exact');
      } finally {
        await second.close();
      }
    } finally {
      predictor.answerFor = null;
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an answer far larger than dimensions and batch need is an error, read no further than the cap', async () => {
    const h = await startHarness({ ...kserve, 'embedder.dimensions': 256 });
    try {
      predictor.padBytes = 4 * 1024 * 1024;
      const r = await h.chat('A question with an oversized embedding answer');
      assert.equal(r.source, 'upstream');
      assert.equal(h.server.admin.recentLookups({ outcome: 'error' })[0]?.reason, 'embedder-bad-response');
      predictor.padBytes = 16 * 1024;
      await h.chat('A question with a little white space');
      assert.equal((await h.chat('A question with a little white space')).headers['x-semantic-cache'], 'hit-exact', 'modest slack is fine');
    } finally {
      predictor.padBytes = 0;
      await h.close();
    }
  });
});
