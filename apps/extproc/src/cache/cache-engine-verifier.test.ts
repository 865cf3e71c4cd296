import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/load-config.ts';
import { l2normalize, type Embedder } from '../embedders/embedder.ts';
import type { Verifier, VerifierInput } from '../verifier/verifier.ts';
import { CacheEngine, candidateThreshold, type LookupRequest } from './cache-engine.ts';

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
    const [query, near] = await new ScriptedEmbedder().embed(['q', 'near']);
    assert.deepEqual(v.asked[0]!.queryVector, query, "and the query's vector");
    assert.deepEqual(v.asked[0]!.candidateVector, near, "and the cached prompt's stored vector");
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

  it('the tuned thresholds are the defaults where the configuration sets none; the stand-alone threshold stays the embedder\'s', () => {
    const tuned = { candidateThreshold: 0.6, verifierThreshold: 0.7 };
    const on = setup(new ScriptedVerifier({}, tuned)).engine.namespaces.settingsFor('m');
    assert.equal(on.threshold, 0.85, "the embedder's own default, whatever the verifier was tuned with");
    assert.equal(on.verifierCandidateThreshold, 0.6);
    assert.equal(on.verifierThreshold, 0.7);
    const set = setup(new ScriptedVerifier({}, tuned), {
      'defaults.threshold': 0.9, 'defaults.verifierThreshold': 0.3, 'defaults.verifierCandidateThreshold': 0.5,
    }).engine.namespaces.settingsFor('m');
    assert.deepEqual([set.threshold, set.verifierThreshold, set.verifierCandidateThreshold], [0.9, 0.3, 0.5]);
    const untuned = setup(new ScriptedVerifier({}), { 'defaults.threshold': 0.9 }).engine.namespaces.settingsFor('m');
    assert.equal(untuned.verifierCandidateThreshold, 0.9, 'without tuned values the verifier sees what the threshold passes');
  });

  it('the low candidate threshold applies only while the verifier is on: turned off, the stand-alone threshold decides', async () => {
    // 'next' is 0.9 from 'q': under the 0.92 threshold, over the 0.5 candidate threshold tuned with the verifier.
    const v = new ScriptedVerifier({ next: 0.95 }, { candidateThreshold: 0.5, verifierThreshold: 0.7 });
    const { engine, req, fill } = setup(v, { 'defaults.threshold': 0.92 });
    await fill('next');
    const on = await engine.lookup(req('q'));
    assert.equal(on.outcome, 'semantic', 'the verifier accepts a candidate under the stand-alone threshold');
    const ns = engine.namespaces.get('m');
    ns.clear();
    await fill('next');
    ns.updateSettings({ ...ns.settings, verifier: false });
    const off = await engine.lookup(req('q'));
    assert.equal(off.outcome, 'miss', 'without the verifier a 0.9 candidate is under the 0.92 threshold');
    assert.equal(off.event.threshold, 0.92);
  });

  it('an answer served through the verifier at a low similarity is not replayed as an exact alias once the verifier is off', async () => {
    const v = new ScriptedVerifier({ next: 0.95 }, { candidateThreshold: 0.5, verifierThreshold: 0.7 });
    const { engine, req, fill } = setup(v, { 'defaults.threshold': 0.92 });
    await fill('next');
    assert.equal((await engine.lookup(req('q'))).outcome, 'semantic');
    const ns = engine.namespaces.get('m');
    ns.updateSettings({ ...ns.settings, verifier: false });
    assert.notEqual((await engine.lookup(req('q'))).kind, 'hit');
  });

  it('an answer served while the verifier was off goes back to the verifier once it is on, and is an exact hit again once accepted', async () => {
    const v = new ScriptedVerifier({ near: 0.1 }, { candidateThreshold: 0.5, verifierThreshold: 0.7 });
    const { engine, req, fill } = setup(v);
    await fill('near');
    const ns = engine.namespaces.get('m');
    ns.updateSettings({ ...ns.settings, verifier: false });
    assert.equal((await engine.lookup(req('q'))).outcome, 'semantic');
    assert.equal((await engine.lookup(req('q'))).outcome, 'exact', 'an alias while the verifier is off');
    ns.updateSettings({ ...ns.settings, verifier: true });
    const refused = await engine.lookup(req('q'));
    assert.equal(refused.outcome, 'verified-miss', 'the alias is not replayed past the verifier');
    assert.equal(v.asked.length, 1);
    v.scores.near = 0.9;
    assert.equal((await engine.lookup(req('q'))).outcome, 'semantic');
    assert.equal((await engine.lookup(req('q'))).outcome, 'exact', 'accepted once, its repeats skip the verifier again');
    assert.equal(v.asked.length, 2);
  });

  it('candidateThreshold follows the verifier switch', () => {
    const settings = { threshold: 0.9, ttlSeconds: 1, maxEntries: 1, enabled: true, guard: true, clientControls: 'off' as const, maxTtlSeconds: 1, verifierCandidateThreshold: 0.4 };
    assert.equal(candidateThreshold(settings, true), 0.4);
    assert.equal(candidateThreshold(settings, false), 0.9);
    assert.equal(candidateThreshold({ ...settings, verifierCandidateThreshold: undefined }, true), 0.9);
  });
});
