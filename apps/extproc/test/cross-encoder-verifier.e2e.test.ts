import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../src/config/load-config.ts';
import { startServer } from '../src/server.ts';
import { CrossEncoderVerifier, DEFAULT_CROSS_ENCODER_DIR } from '../src/verifier/cross-encoder/cross-encoder-verifier.ts';
import { PairClassifier } from '../src/verifier/pair-classifier.ts';
import { findStackedModel, StackedVerifier } from '../src/verifier/stacked-verifier.ts';
import type { Verifier } from '../src/verifier/verifier.ts';
import { lastLookup } from './admin-http.ts';
import { resetHarness, startHarness, type Harness } from './harness.ts';

const ADMIN = 'admin-token-cross-encoder-01234';
const NAME = (JSON.parse(readFileSync(join(DEFAULT_CROSS_ENCODER_DIR, 'semcache-model.json'), 'utf8')) as { name: string }).name;
/** Pairs far apart for any duplicate-question model (and the guard lets both through): these tests are about the wiring. */
const STORED = 'How do I lose weight fast?';
const OTHER = 'How do I learn French fast?';
const PARAPHRASE = 'How can I lose weight fast?';
const OTHER_AGAIN = 'How can I learn French fast?';
const NO_STORE = { headers: { 'x-semantic-cache': 'no-store' } };

/**
 * The verifier threshold halfway between the committed model's scores of the paraphrase and of the other
 * questions (the model is replaced by later checkpoints, so its figures are read, not written here).
 */
async function between(): Promise<number> {
  const v = await CrossEncoderVerifier.load({ dir: DEFAULT_CROSS_ENCODER_DIR });
  try {
    const score = (query: string) => v.score({ query, candidate: STORED, similarity: 1 });
    const paraphrase = await score(PARAPHRASE);
    const other = Math.max(await score(OTHER), await score(OTHER_AGAIN));
    assert.ok(paraphrase > other, `the paraphrase ${paraphrase} scores above the other questions ${other}`);
    return (paraphrase + other) / 2;
  } finally {
    await v.close();
  }
}

/** Every pair reaches the cross-encoder (candidate similarity 0.1 with the built-in embedder). */
const on = (verifierThreshold: number) => ({
  'embedder.provider': 'builtin', 'defaults.threshold': 0.1, 'defaults.verifierCandidateThreshold': 0.1, 'defaults.verifier': true,
  'defaults.verifierThreshold': verifierThreshold, 'defaults.verifierTimeoutMs': 10_000, 'verifierModel.kind': 'cross-encoder', 'admin.adminTokens': [ADMIN],
});

const lookupOf = (h: Harness, prompt: string) => lastLookup(h, ADMIN, prompt);

async function patchNamespace(h: Harness, body: unknown): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${h.server.httpPort}/api/namespaces/gpt-test`, {
    method: 'PATCH', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.text());
}

describe('VERIFIER=cross-encoder through the real gRPC server', () => {
  let h: Harness;
  let threshold: number;
  before(async () => {
    threshold = await between();
    h = await startHarness(on(threshold));
  });
  after(async () => { await h.close(); });
  beforeEach(() => resetHarness(h));

  it('a question the cross-encoder rejects is a verified-miss that reaches the model; a paraphrase it accepts is a hit', async () => {
    await h.chat(STORED);
    const refused = await h.chat(OTHER, {}, NO_STORE);
    assert.equal(refused.status, 200);
    assert.equal(refused.source, 'upstream');
    assert.equal(h.upstream.calls.length, 2);
    const event = await lookupOf(h, OTHER);
    assert.equal(event.outcome, 'verified-miss');
    assert.equal(event.reason, 'verifier-refused');
    assert.equal(event.verifier, `cross-encoder/${NAME}`);
    assert.ok(event.verifierScore! < threshold);

    const hit = await h.chat(PARAPHRASE);
    assert.equal(hit.headers['x-semantic-cache'], 'hit-semantic');
    assert.equal(h.upstream.calls.length, 2);
    assert.ok((await lookupOf(h, PARAPHRASE)).verifierScore! >= threshold);
  });

  it('turned off for the namespace over the admin API, the very next request is served; back on, refused again', async () => {
    await h.chat(STORED);
    await patchNamespace(h, { verifier: false });
    const served = await h.chat(OTHER, {}, NO_STORE);
    assert.equal(served.headers['x-semantic-cache'], 'hit-semantic');
    await patchNamespace(h, { verifier: true });
    // Another wording: the answer just served may be replayed for the same prompt as an exact alias.
    const refused = await h.chat(OTHER_AGAIN, {}, NO_STORE);
    assert.equal(refused.source, 'upstream');
    assert.equal((await lookupOf(h, OTHER_AGAIN)).outcome, 'verified-miss');
  });
});

describe('VERIFIER=pair-classifier+cross-encoder through the real gRPC server', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ ...on(await between()), 'verifierModel.kind': 'pair-classifier+cross-encoder' }); });
  after(async () => { await h.close(); });

  it('judges with the learned classifier, then with the cross-encoder', async () => {
    // A pair the built-in learned verifier accepts (test/verifier.e2e.test.ts), so the cross-encoder's score is recorded.
    await h.chat(STORED);
    await h.chat(PARAPHRASE);
    const event = await lookupOf(h, PARAPHRASE);
    assert.match(event.verifier ?? '', new RegExp(`^pair-classifier/builtin@.*\\+cross-encoder/${NAME}$`));
    assert.ok(event.verifierScore! > 0, "the score is the cross-encoder's, so the classifier accepted it");
  });
});

describe('the default verifier with the MiniLM embedder (auto: stacked) through the real gRPC server', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ 'embedder.provider': 'auto', 'defaults.verifier': true, 'admin.adminTokens': [ADMIN] }); });
  after(async () => { await h.close(); });

  it('combines the classifier and the cross-encoder: a paraphrase is served, another question reaches the model', async () => {
    await h.chat(STORED);
    const hit = await h.chat(PARAPHRASE);
    assert.equal(hit.headers['x-semantic-cache'], 'hit-semantic');
    const event = await lookupOf(h, PARAPHRASE);
    assert.match(event.verifier ?? '', new RegExp(`^stacked:pair-classifier/onnx-local@.*\\+cross-encoder/${NAME}$`));
    const other = await h.chat(OTHER);
    assert.equal(other.source, 'upstream');
    assert.equal((await lookupOf(h, OTHER)).outcome, 'verified-miss');
    assert.equal(h.upstream.calls.length, 2);
  });
});

describe('the stacked verifier with a cross-encoder that does not answer in time, through the real gRPC server', () => {
  it('lets the classifier decide alone, says so on the lookup and in /metrics, and the paraphrase is served', async () => {
    const stuck: Verifier = { id: 'cross-encoder/stuck', tuned: null, score: () => new Promise<number>(() => {}) };
    const classifier = PairClassifier.forEmbedder({ provider: 'builtin', model: 'hashed-ngrams', version: '1', dimensions: 256 });
    const model = findStackedModel('onnx-local/all-minilm-l6-v2-int8', DEFAULT_CROSS_ENCODER_DIR)!;
    const verifier = new StackedVerifier(classifier, stuck, model, { maxCrossEncoderWaiting: 4, crossEncoderBudgetMs: 20 });
    // The built-in classifier's own thresholds, so its verdict alone is what decides.
    const h = await startHarness({ 'embedder.provider': 'builtin', 'defaults.verifier': true, 'admin.adminTokens': [ADMIN], 'metrics.requireToken': false }, { verifier });
    try {
      await h.chat(STORED);
      const hit = await h.chat(PARAPHRASE);
      assert.equal(hit.headers['x-semantic-cache'], 'hit-semantic');
      const event = await lookupOf(h, PARAPHRASE);
      assert.deepEqual([event.verifier, event.verifierFallback], [verifier.id, 'cross-encoder-slow']);
      const metrics = await (await fetch(`http://127.0.0.1:${h.server.httpPort}/metrics`)).text();
      assert.match(metrics, /semcache_verifier_fallbacks_total\{namespace="gpt-test",reason="cross-encoder-slow"\} 1/);
    } finally {
      await h.close();
    }
  });
});

describe('a crashed or missing cross-encoder through the real gRPC server', () => {
  it('a missing model stops start-up with the file it lacks', async () => {
    const config = loadConfig({}, { ...on(0.5), 'grpc.port': 0, 'http.port': 0, 'store.persist': false, 'verifierModel.crossEncoderModelDir': '/nonexistent/xe-model' });
    await assert.rejects(startServer({ config, logger: pino({ level: 'silent' }) }), /\/nonexistent\/xe-model\/semcache-model\.json is missing/);
  });

  it('a crashed worker is a miss that reaches the model, and the next lookup is judged by a fresh worker', async () => {
    const threshold = await between();
    const verifier = await CrossEncoderVerifier.load({
      dir: DEFAULT_CROSS_ENCODER_DIR, workerUrl: new URL('../src/verifier/cross-encoder/testdata/crash-on-word-worker.ts', import.meta.url),
    });
    const h = await startHarness(on(threshold), { verifier });
    try {
      await h.chat(STORED);
      const crashed = await h.chat(`CRASH ${PARAPHRASE}`, {}, NO_STORE);
      assert.equal(crashed.status, 200);
      assert.equal(crashed.source, 'upstream');
      const event = await lookupOf(h, `CRASH ${PARAPHRASE}`);
      assert.deepEqual([event.outcome, event.reason], ['verified-miss', 'verifier-failed']);
      const hit = await h.chat(PARAPHRASE);
      assert.equal(hit.headers['x-semantic-cache'], 'hit-semantic');
      assert.equal(h.upstream.calls.length, 2);
    } finally {
      await h.close();
    }
  });
});
