import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../src/config/load-config.ts';
import { DEFAULT_NLI_MODEL, modelsRoot } from '../src/embedders/model-catalog.ts';
import { startServer } from '../src/server.ts';
import { NliVerifier } from '../src/verifier/nli/nli-verifier.ts';
import { lastLookup } from './admin-http.ts';
import { resetHarness, startHarness, type Harness } from './harness.ts';

const ADMIN = 'admin-token-nli-verifier-0123456';
/**
 * Every pair reaches the cross-encoder (candidate similarity 0.1 with the built-in embedder); its scores, from
 * testdata/nli-reference.json: the guitar pair 0.512, the Kubernetes pair 0.102, so 0.4 tells them apart.
 */
const ON = {
  'embedder.provider': 'builtin', 'defaults.threshold': 0.1, 'defaults.verifierCandidateThreshold': 0.1, 'defaults.verifier': true,
  'defaults.verifierThreshold': 0.4, 'defaults.verifierTimeoutMs': 10_000, 'verifierModel.kind': 'nli', 'admin.adminTokens': [ADMIN],
};

const lookupOf = (h: Harness, prompt: string) => lastLookup(h, ADMIN, prompt);

describe('VERIFIER=nli through the real gRPC server', () => {
  let h: Harness;
  before(async () => { h = await startHarness(ON); });
  after(async () => { await h.close(); });
  beforeEach(() => resetHarness(h));

  it('a pair the cross-encoder rejects is a miss that reaches the model; one it accepts is a hit', async () => {
    await h.chat('What is Kubernetes');
    const refused = await h.chat('Kubernetes what is it anyway', {}, { headers: { 'x-semantic-cache': 'no-store' } });
    assert.equal(refused.status, 200);
    assert.equal(refused.source, 'upstream');
    assert.equal(h.upstream.calls.length, 2);
    const event = await lookupOf(h, 'Kubernetes what is it anyway');
    assert.equal(event.outcome, 'verified-miss');
    assert.equal(event.reason, 'verifier-refused');
    assert.equal(event.verifier, `nli/${DEFAULT_NLI_MODEL}`);
    assert.ok(event.verifierScore! < 0.4);

    await h.chat('A man is playing a guitar');
    const hit = await h.chat('A man is playing an instrument');
    assert.equal(hit.headers['x-semantic-cache'], 'hit-semantic');
    assert.equal(h.upstream.calls.length, 3);
  });
});

describe('VERIFIER=pair-classifier+nli through the real gRPC server', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ ...ON, 'verifierModel.kind': 'pair-classifier+nli' }); });
  after(async () => { await h.close(); });

  it('a paraphrase the learned verifier accepts and the cross-encoder refuses is a miss', async () => {
    // The seed scenario's pair, which the built-in learned verifier must accept (test/envoy/seed.envoy.test.ts).
    await h.chat('What is Kubernetes');
    const r = await h.chat('Kubernetes what is it anyway');
    assert.equal(r.source, 'upstream');
    const event = await lookupOf(h, 'Kubernetes what is it anyway');
    assert.equal(event.reason, 'verifier-refused');
    assert.match(event.verifier ?? '', new RegExp(`^pair-classifier/builtin@.*\\+nli/${DEFAULT_NLI_MODEL}$`));
    assert.ok(event.verifierScore! > 0, 'the score is the cross-encoder\'s, so the classifier accepted it');
  });
});

/** The installed model's files in a fresh directory (the graph linked, not copied), its manifest without `reference`. */
function withoutReference(): string {
  const source = join(modelsRoot(), DEFAULT_NLI_MODEL);
  const dir = mkdtempSync(join(tmpdir(), 'semcache-nli-'));
  cpSync(source, dir, { recursive: true, filter: (src) => !src.endsWith('.onnx') });
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  symlinkSync(join(source, 'onnx', 'model.onnx'), join(dir, 'onnx', 'model.onnx'));
  const { reference: _, ...manifest } = JSON.parse(readFileSync(join(source, 'semcache-model.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'semcache-model.json'), JSON.stringify(manifest));
  return dir;
}

describe('a crashed, stalled or missing cross-encoder through the real gRPC server', () => {
  it('a missing model stops start-up with the file it lacks', async () => {
    const config = loadConfig({}, { ...ON, 'grpc.port': 0, 'http.port': 0, 'store.persist': false, 'verifierModel.nliModelDir': '/nonexistent/nli-model' });
    await assert.rejects(startServer({ config, logger: pino({ level: 'silent' }) }), /\/nonexistent\/nli-model\/semcache-model\.json is missing/);
  });

  const cases = { 'crash-worker.ts': 'verifier-failed', 'stall-worker.ts': 'verifier-timeout' } as const;
  for (const [worker, reason] of Object.entries(cases)) {
    it(`${worker}: the request is a miss that reaches the model, never an error`, async () => {
      // Loaded first, so that a slow thread start on a busy machine is not taken for the stall; from a copy
      // without the reference pairs, which these workers never score.
      const dir = withoutReference();
      const verifier = await NliVerifier.load({ dir, workerUrl: new URL(`../src/verifier/nli/testdata/${worker}`, import.meta.url) });
      const h = await startHarness({ ...ON, 'defaults.verifierTimeoutMs': reason === 'verifier-timeout' ? 100 : 5_000 }, { verifier });
      try {
        await h.chat('A man is playing a guitar');
        const r = await h.chat('A man is playing an instrument');
        assert.equal(r.status, 200);
        assert.equal(r.source, 'upstream');
        assert.equal(h.upstream.calls.length, 2);
        const event = await lookupOf(h, 'A man is playing an instrument');
        assert.equal(event.outcome, 'verified-miss');
        assert.equal(event.reason, reason);
      } finally {
        await h.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
