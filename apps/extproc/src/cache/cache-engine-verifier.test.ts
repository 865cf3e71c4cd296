import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/load-config.ts';
import { l2normalize, type Embedder } from '../embedders/embedder.ts';
import type { Verifier, VerifierInput } from '../verifier/verifier.ts';
import { CacheEngine, type LookupRequest } from './cache-engine.ts';

/** 'q' is 0.95 from 'near' and 0.9 from 'next': both pass a 0.85 threshold, 'near' first. */
class ScriptedEmbedder implements Embedder {
  readonly identity = { provider: 'test', model: 'scripted', version: '1', dimensions: 3 };
  readonly defaultThreshold = 0.85;
  readonly table: Record<string, number[]> = {
    q: [1, 0, 0],
    near: [0.95, Math.sqrt(1 - 0.95 ** 2), 0],
    next: [0.9, 0, Math.sqrt(1 - 0.81)],
  };
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => l2normalize(Float32Array.from(this.table[t] ?? [0, 1, 0])));
  }
}

/** Scores candidates by name; records what it was asked. */
class ScriptedVerifier implements Verifier {
  readonly id = 'scripted-verifier';
  readonly asked: VerifierInput[] = [];
  readonly scores: Record<string, number | Error>;
  readonly tuned: Verifier['tuned'];
  constructor(scores: Record<string, number | Error>, tuned: Verifier['tuned'] = null) {
    this.scores = scores;
    this.tuned = tuned;
  }
  score(input: VerifierInput): number {
    this.asked.push(input);
    const s = this.scores[input.candidate];
    if (s instanceof Error) throw s;
    return s ?? 0;
  }
}

function setup(verifier: Verifier, overrides: Record<string, unknown> = {}) {
  const engine = new CacheEngine({ config: loadConfig({}, overrides), embedder: new ScriptedEmbedder(), verifier });
  const req = (prompt: string): LookupRequest => ({ partition: { model: 'm', tenant: null }, endpoint: 'chat', prompt, fingerprint: 'fp', mode: 'normal' });
  const answer = { response: '{}', contentType: 'application/json', usage: null };
  async function fill(...prompts: string[]) {
    for (const p of prompts) {
      const r = await engine.lookup(req(p));
      assert.ok(r.kind === 'miss' && r.pending);
      engine.store(r.pending, answer);
    }
  }
  return { engine, req, fill };
}

describe('CacheEngine with a verifier', () => {
  it('a refused best candidate is a verified-miss that still stores the fresh answer, with score and verifier on the event', async () => {
    const v = new ScriptedVerifier({ near: 0.2 });
    const { engine, req, fill } = setup(v, { 'defaults.verifierThreshold': 0.5 });
    await fill('near');
    const r = await engine.lookup(req('q'));
    assert.equal(r.outcome, 'verified-miss');
    assert.equal(r.event.reason, 'verifier-refused');
    assert.equal(r.event.verifier, 'scripted-verifier');
    assert.equal(r.event.verifierScore, 0.2);
    assert.equal(r.event.candidatePrompt, 'near');
    assert.ok(r.kind === 'miss' && r.pending !== null);
    assert.equal(engine.namespaces.get('m').counters.verifiedMisses, 1);
    assert.ok(Math.abs(v.asked[0]!.similarity - 0.95) < 1e-5, 'the verifier sees the similarity');
  });

  it('where the best candidate is refused, the next one may answer; a third is never asked', async () => {
    const v = new ScriptedVerifier({ near: 0.1, next: 0.9 });
    const { engine, req, fill } = setup(v, { 'defaults.verifierThreshold': 0.5 });
    await fill('near', 'next');
    v.asked.length = 0;
    const r = await engine.lookup(req('q'));
    assert.equal(r.outcome, 'semantic');
    assert.equal(r.kind === 'hit' && r.entry.prompt, 'next');
    assert.equal(r.event.verifierScore, 0.9);
    assert.deepEqual(v.asked.map((a) => a.candidate), ['near', 'next']);
  });

  it('a verifier that throws refuses: a miss, never an error', async () => {
    const { engine, req, fill } = setup(new ScriptedVerifier({ near: new Error('model crashed') }));
    await fill('near');
    const r = await engine.lookup(req('q'));
    assert.equal(r.outcome, 'verified-miss');
    assert.equal(r.event.reason, 'verifier-failed');
    assert.equal(r.event.verifierScore, null);
  });

  it('turned off in a namespace, the verifier is not asked and the candidate hits at once', async () => {
    const v = new ScriptedVerifier({ near: 0 });
    const { engine, req, fill } = setup(v);
    await fill('near');
    const ns = engine.namespaces.get('m');
    ns.updateSettings({ ...ns.settings, verifier: false });
    const r = await engine.lookup(req('q'));
    assert.equal(r.outcome, 'semantic');
    assert.equal(v.asked.length, 0);
    assert.equal(r.event.verifier, undefined);
  });

  it('the tuned thresholds are the defaults where the configuration sets none, and only with the verifier on', () => {
    const tuned = { threshold: 0.6, verifierThreshold: 0.7 };
    const on = setup(new ScriptedVerifier({}, tuned)).engine.namespaces.settingsFor('m');
    assert.equal(on.threshold, 0.6);
    assert.equal(on.verifierThreshold, 0.7);
    const off = setup(new ScriptedVerifier({}, tuned), { 'defaults.verifier': false }).engine.namespaces.settingsFor('m');
    assert.equal(off.threshold, 0.85, "the embedder's own default without the verifier");
    const set = setup(new ScriptedVerifier({}, tuned), { 'defaults.threshold': 0.9, 'defaults.verifierThreshold': 0.3 }).engine.namespaces.settingsFor('m');
    assert.equal(set.threshold, 0.9);
    assert.equal(set.verifierThreshold, 0.3);
  });
});
