import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Verifier } from '../src/verifier/verifier.ts';
import { lastLookup } from './admin-http.ts';
import { resetHarness, startHarness, type Harness } from './harness.ts';

const ADMIN = 'admin-token-verifier-0123456789';
/**
 * The built-in embedder rates these 0.77 apart, above the thresholds set here (0.7, with and without the
 * verifier): only the verifier tells them apart.
 */
const STORED = 'What is diabetes?';
const OTHER_QUESTION = 'What causes diabetes?';
const PARAPHRASE_STORED = 'How do I lose weight fast?';
const PARAPHRASE = 'How can I lose weight fast?';
const ON = { 'embedder.provider': 'builtin', 'defaults.threshold': 0.7, 'defaults.verifierCandidateThreshold': 0.7, 'defaults.verifier': true, 'admin.adminTokens': [ADMIN] };

async function call(h: Harness, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`http://127.0.0.1:${h.server.httpPort}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const lookupOf = (h: Harness, prompt: string) => lastLookup(h, ADMIN, prompt);

describe('the learned verifier through the real gRPC server', () => {
  let h: Harness;
  before(async () => { h = await startHarness(ON); });
  after(async () => { await h.close(); });
  beforeEach(() => resetHarness(h));

  it('a pair it refuses is a miss that reaches the model; a paraphrase it accepts is a hit', async () => {
    await h.chat(STORED);
    const refused = await h.chat(OTHER_QUESTION, {}, { headers: { 'x-semantic-cache': 'no-store' } });
    assert.equal(refused.source, 'upstream');
    assert.equal(refused.status, 200);
    assert.equal(refused.headers['x-semantic-cache'], 'miss');
    assert.equal(h.upstream.calls.length, 2);
    const event = await lookupOf(h, OTHER_QUESTION);
    assert.equal(event.outcome, 'verified-miss');
    assert.equal(event.reason, 'verifier-refused');
    assert.match(event.verifier ?? '', /^pair-classifier\/builtin@/);
    assert.ok(event.similarity! >= event.threshold, 'the threshold alone would have served it');
    assert.ok(event.verifierScore! < h.server.admin.getNamespace('gpt-test').settings.verifierThreshold!);

    await h.chat(PARAPHRASE_STORED);
    const hit = await h.chat(PARAPHRASE);
    assert.equal(hit.headers['x-semantic-cache'], 'hit-semantic');
    assert.equal(h.upstream.calls.length, 3);
    assert.ok((await lookupOf(h, PARAPHRASE)).verifierScore! >= h.server.admin.getNamespace('gpt-test').settings.verifierThreshold!);
  });

  it('turned off for the namespace over the admin API, the very next request hits', async () => {
    await h.chat(STORED);
    const off = await call(h, 'PATCH', '/api/namespaces/gpt-test', { verifier: false });
    assert.equal(off.status, 200);
    const hit = await h.chat(OTHER_QUESTION, {}, { headers: { 'x-semantic-cache': 'no-store' } });
    assert.equal(hit.headers['x-semantic-cache'], 'hit-semantic');
    assert.equal((await call(h, 'PATCH', '/api/namespaces/gpt-test', { verifier: true, verifierThreshold: 0.99 })).status, 200);
    const refused = await h.chat(PARAPHRASE_STORED.replace('do I', 'can I'), {}, { headers: { 'x-semantic-cache': 'no-store' } });
    assert.equal(refused.source, 'upstream', 'a raised verifier threshold refuses on the next request');
  });

  it('counts verdicts in the metrics', async () => {
    await h.chat(STORED);
    await h.chat(OTHER_QUESTION);
    const text = await (await call(h, 'GET', '/metrics')).text();
    assert.match(text, /semcache_verifier_verdicts_total\{namespace="gpt-test",verdict="verifier-refused"\} [1-9]/);
    assert.match(text, /semcache_lookups_total\{namespace="gpt-test",outcome="verified-miss"\} [1-9]/);
  });
});

describe('a verifier that crashes or hangs', () => {
  const broken: Record<string, Verifier> = {
    crash: { id: 'crashing', tuned: null, score: () => { throw new Error('model crashed'); } },
    hang: { id: 'hanging', tuned: null, score: () => new Promise<number>(() => {}) },
  };
  for (const [kind, verifier] of Object.entries(broken)) {
    it(`${kind}: the request is a miss that reaches the model, never an error`, async () => {
      const h = await startHarness({ ...ON, 'defaults.verifierTimeoutMs': 20 }, { verifier });
      try {
        await h.chat(PARAPHRASE_STORED);
        const r = await h.chat(PARAPHRASE);
        assert.equal(r.status, 200);
        assert.equal(r.source, 'upstream');
        assert.equal(h.upstream.calls.length, 2);
        const event = await lookupOf(h, PARAPHRASE);
        assert.equal(event.outcome, 'verified-miss');
        assert.equal(event.reason, kind === 'crash' ? 'verifier-failed' : 'verifier-timeout');
      } finally {
        await h.close();
      }
    });
  }
});
