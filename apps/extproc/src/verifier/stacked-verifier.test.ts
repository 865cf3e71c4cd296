import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Embedder } from '../embedders/embedder.ts';
import { OnnxLocalEmbedder } from '../embedders/onnx-local.ts';
import { checkFalseHit } from '../guard/false-hit-guard.ts';
import { CrossEncoderVerifier, DEFAULT_CROSS_ENCODER_DIR } from './cross-encoder/cross-encoder-verifier.ts';
import { embedderName, PairClassifier } from './pair-classifier.ts';
import { findStackedModel, loadStackedFile, STACKED_FILE, StackedFileSchema, StackedVerifier, stackedScore, type StackedModel } from './stacked-verifier.ts';
import { scoreOf, type Verifier, type VerifierInput } from './verifier.ts';

const MINILM = 'onnx-local/all-minilm-l6-v2-int8';
const committed = (): StackedModel => {
  const m = findStackedModel(MINILM, DEFAULT_CROSS_ENCODER_DIR);
  assert.ok(m, 'the committed file has weights for MiniLM and the committed cross-encoder');
  return m;
};

/** A verifier that answers a fixed score (or a promise of one) and counts what it was asked. */
class Fixed implements Verifier {
  readonly id: string;
  readonly tuned: Verifier['tuned'];
  readonly #value: () => number | Promise<number>;
  asked = 0;
  constructor(id: string, value: number | (() => Promise<number>), tuned: Verifier['tuned'] = null) {
    this.id = id;
    this.#value = typeof value === 'number' ? () => value : value;
    this.tuned = tuned;
  }
  score(): number | Promise<number> {
    this.asked++;
    return this.#value();
  }
}

/** The cross-encoder always waited for: these tests are about its verdicts, not the load shedding. */
const UNHURRIED = { maxCrossEncoderWaiting: 1_000, crossEncoderBudgetMs: 60_000 };
const never = (): Promise<number> => new Promise(() => {});

const input = (query: string, candidate: string, similarity = 0.9): VerifierInput => ({ query, candidate, similarity });

describe('the stacked verifier\'s combination', () => {
  it('refuses under the gate without asking the cross-encoder', async () => {
    const model = committed();
    const crossEncoder = new Fixed('xe', 0.99);
    const v = new StackedVerifier(new Fixed('learned', model.gate / 2), crossEncoder, model, UNHURRIED);
    assert.equal(await v.score(input('a', 'b')), 0);
    assert.equal(crossEncoder.asked, 0);
    const past = new StackedVerifier(new Fixed('learned', Math.min(1, model.gate * 2)), crossEncoder, model, UNHURRIED);
    assert.ok(scoreOf(await past.score(input('a', 'b'))) > 0);
    assert.equal(crossEncoder.asked, 1);
    assert.equal(past.id, 'stacked:learned+xe');
    assert.deepEqual(past.tuned, model.tuned);
  });

  it('rises with either verdict, so a confident cross-encoder can carry a pair the classifier doubts', () => {
    const model = committed();
    const at = (xe: number, learned: number) => stackedScore(model, xe, learned, 0.8);
    assert.ok(at(0.9, 0.5) > at(0.5, 0.5) && at(0.5, 0.9) > at(0.5, 0.5));
    assert.ok(at(0.999, 0.3) >= model.tuned.verifierThreshold, 'a sure cross-encoder over a doubtful classifier is served');
    assert.ok(at(0.01, 0.999) < model.tuned.verifierThreshold, 'a cross-encoder sure of a refusal is not outvoted by a sure classifier');
  });

  it('takes certain verdicts (0 or 1) without an infinite or NaN score', () => {
    const model = committed();
    for (const [xe, learned] of [[0, 1], [1, 0], [1, 1], [0, 0]] as const) {
      const s = stackedScore(model, xe, learned, 0.9);
      assert.ok(Number.isFinite(s) && s > 0 && s < 1, `${xe}, ${learned}: ${s}`);
    }
  });
});

describe('the stacked verifier under load', () => {
  const OWN = { candidateThreshold: 0.8, verifierThreshold: 0.9 };
  const opts = { maxCrossEncoderWaiting: 1, crossEncoderBudgetMs: 30 };

  it('does not wait for a slow cross-encoder, nor queue behind a busy one: the classifier decides alone', async () => {
    const model = committed();
    const crossEncoder = new Fixed('xe', never);
    const v = new StackedVerifier(new Fixed('learned', 0.95, OWN), crossEncoder, model, opts);
    const t0 = performance.now();
    const first = v.score(input('a', 'b'));
    const second = await v.score(input('a', 'c'));
    assert.deepEqual(second, { score: scoreOf(second), fallback: 'cross-encoder-busy' }, 'one verdict outstanding: the next does not queue');
    assert.equal(crossEncoder.asked, 1);
    const late = await first;
    assert.equal(typeof late === 'object' && late.fallback, 'cross-encoder-slow');
    assert.ok(performance.now() - t0 < 1_000, 'answered at the budget, not when the cross-encoder would have');
  });

  it("alone, the classifier keeps its own operating point, mapped onto the stacked verifier's threshold", async () => {
    const model = committed();
    const busy = new Fixed('xe', never);
    const at = async (learned: number, similarity: number) => {
      const v = new StackedVerifier(new Fixed('learned', learned, OWN), busy, model, { ...opts, maxCrossEncoderWaiting: 0 });
      return scoreOf(await v.score(input('a', 'b', similarity)));
    };
    const threshold = model.tuned.verifierThreshold;
    assert.ok(Math.abs((await at(0.9, 0.85)) - threshold) < 1e-12, "the classifier's threshold lands on ours");
    assert.ok((await at(0.89, 0.85)) < threshold && (await at(0.91, 0.85)) > threshold);
    assert.ok((await at(1, 0.85)) <= 1);
    assert.equal(await at(0.99, 0.79), 0, "under the classifier's own candidate threshold it refuses");
    assert.equal(busy.asked, 0);
  });

  it('a cross-encoder that fails is the classifier deciding alone, not a refusal', async () => {
    const failing = new Fixed('xe', () => Promise.reject(new Error('worker exited with code 1')));
    const v = new StackedVerifier(new Fixed('learned', 0.95, OWN), failing, committed(), opts);
    const r = await v.score(input('a', 'b'));
    assert.equal(typeof r === 'object' && r.fallback, 'cross-encoder-failed');
    assert.ok(scoreOf(r) > committed().tuned.verifierThreshold, 'the classifier at 0.95 accepts alone');
  });

  it('a cross-encoder that fails after the budget leaves no unhandled rejection', async () => {
    const failing = new Fixed('xe', () => new Promise((_, reject) => setTimeout(() => reject(new Error('worker gone')), 60)));
    const v = new StackedVerifier(new Fixed('learned', 0.95, OWN), failing, committed(), opts);
    const r = await v.score(input('a', 'b'));
    assert.equal(typeof r === 'object' && r.fallback, 'cross-encoder-slow');
    await new Promise((resolve) => setTimeout(resolve, 80));
  });
});

describe('finding the weights', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'semcache-stacked-'));
    mkdirSync(join(dir, 'onnx'));
    writeFileSync(join(dir, 'onnx', 'model.onnx'), 'another model');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has none for another cross-encoder model, another embedder, or a directory without a model', () => {
    assert.equal(findStackedModel(MINILM, dir), null);
    assert.equal(findStackedModel('builtin/hashed-ngrams', DEFAULT_CROSS_ENCODER_DIR), null);
    assert.equal(findStackedModel(MINILM, join(dir, 'missing')), null);
  });

  it('rejects a file fitted on other inputs than this build computes', () => {
    const file = loadStackedFile();
    const path = join(dir, 'stacked.json');
    writeFileSync(path, JSON.stringify({ ...file, models: file.models.map((m) => ({ ...m, inputs: ['similarity'] })) }));
    assert.throws(() => loadStackedFile(path), /fitted on other inputs/);
    assert.doesNotThrow(() => StackedFileSchema.parse(loadStackedFile(STACKED_FILE)));
  });
});

describe('the stacked verifier on the committed models and the real MiniLM embedder', () => {
  let embedder: Embedder;
  let v: StackedVerifier;
  before(async () => {
    embedder = await OnnxLocalEmbedder.load({ model: 'all-minilm-l6-v2-int8' });
    v = new StackedVerifier(PairClassifier.forEmbedder(embedder.identity), await CrossEncoderVerifier.load({ dir: DEFAULT_CROSS_ENCODER_DIR }), committed(), UNHURRIED);
    assert.equal(embedderName(embedder.identity), MINILM);
  });
  after(async () => {
    await v.close();
    await embedder.close?.();
  });

  /** Served at the tuned thresholds, as the engine decides: similarity, the guard, then the score. */
  async function served(query: string, candidate: string): Promise<{ served: boolean; score: number; similarity: number }> {
    const [queryVector, candidateVector] = (await embedder.embed([query, candidate])) as [Float32Array, Float32Array];
    const similarity = queryVector.reduce((s, x, i) => s + x * candidateVector[i]!, 0);
    const score = scoreOf(await v.score({ query, candidate, similarity, queryVector, candidateVector }));
    const { candidateThreshold, verifierThreshold } = v.tuned!;
    return { served: similarity >= candidateThreshold && checkFalseHit(query, candidate) === null && score >= verifierThreshold, score, similarity };
  }

  it('serves close paraphrases', async () => {
    for (const [query, candidate] of [
      ['How can I lose weight fast?', 'How do I lose weight fast?'],
      ['How do I turn on 2FA for my account?', 'How do I enable 2FA on my account?'],
    ] as const) {
      const r = await served(query, candidate);
      assert.ok(r.served, `"${query}" / "${candidate}": similarity ${r.similarity}, score ${r.score}`);
    }
  });

  it('refuses the leaks issue 15 names: "what is" against "what causes", an added scope, a lower-case swap', async () => {
    for (const [query, candidate] of [
      ['What causes diabetes?', 'What is diabetes?'],
      ['Where can I buy a bike in Edinburgh?', 'Where can I buy a bike?'],
      ['Which is better, civil or mechanical engineering?', 'Which is better, metallurgical or mechanical engineering?'],
    ] as const) {
      const r = await served(query, candidate);
      assert.equal(r.served, false, `"${query}" / "${candidate}": similarity ${r.similarity}, score ${r.score}`);
    }
  });
});
