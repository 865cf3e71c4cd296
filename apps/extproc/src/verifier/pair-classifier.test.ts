import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FEATURE_NAMES } from './pair-features.ts';
import { loadModelFile, PairClassifier, type PairModel } from './pair-classifier.ts';

const MINILM = { provider: 'onnx-local', model: 'all-minilm-l6-v2-int8', version: '826f41670dc8', dimensions: 384 };
const BUILTIN = { provider: 'builtin', model: 'hashed-ngrams', version: '1', dimensions: 256 };

describe('PairClassifier with the committed models', () => {
  const minilm = PairClassifier.forEmbedder(MINILM);
  const accepts = (query: string, candidate: string, similarity: number): boolean =>
    minilm.score({ query, candidate, similarity }) >= minilm.tuned!.verifierThreshold;

  it('picks the model of the active embedder, with its tuned thresholds', () => {
    assert.equal(minilm.id, 'pair-classifier/onnx-local@2');
    assert.ok(minilm.tuned && minilm.tuned.verifierThreshold > 0 && minilm.tuned.candidateThreshold > 0);
    assert.equal(PairClassifier.forEmbedder(BUILTIN).id, 'pair-classifier/builtin@2');
  });

  it('falls back to the built-in model for an embedder it has no model of, leaving thresholds to the namespace', () => {
    const fallback = PairClassifier.forEmbedder({ provider: 'openai', model: 'text-embedding-3-small', version: '1', dimensions: 1536 });
    assert.equal(fallback.id, 'pair-classifier/builtin@2');
    assert.equal(fallback.tuned, null);
    const a = fallback.score({ query: 'How do I lose weight fast?', candidate: 'How can I lose weight fast?', similarity: 0.2 });
    const b = fallback.score({ query: 'How do I lose weight fast?', candidate: 'How can I lose weight fast?', similarity: 0.99 });
    assert.equal(a, b, "the foreign embedder's similarity is not read: its scale is unknown");
  });

  // Similarities as MiniLM gives them for these pairs (measured once, fixed here so the test needs no model).
  it('refuses the leaks issue 15 names: "what is" against "what causes", an added scope, a lower-case swap', () => {
    assert.equal(accepts('What causes diabetes?', 'What is diabetes?', 0.819), false);
    assert.equal(accepts('Where can I buy a bike in Edinburgh?', 'Where can I buy a bike?', 0.792), false);
    assert.equal(accepts('Which is better, civil or mechanical engineering?', 'Which is better, metallurgical or mechanical engineering?', 0.767), false);
  });

  it('accepts a close paraphrase, and scores it above the near-duplicates it refuses', () => {
    assert.equal(accepts('How can I lose weight fast?', 'How do I lose weight fast?', 0.986), true);
    const paraphrase = minilm.score({ query: 'What is the best way to learn guitar?', candidate: 'How should I learn guitar?', similarity: 0.94 });
    const scope = minilm.score({ query: 'Where can I buy a bike in Edinburgh?', candidate: 'Where can I buy a bike?', similarity: 0.792 });
    assert.ok(paraphrase > scope);
  });

  it('scores in (0, 1), higher with a higher similarity, all else equal', () => {
    const at = (similarity: number) => minilm.score({ query: 'How do I reset my router?', candidate: 'How can I reset my router?', similarity });
    assert.ok(at(0.5) > 0 && at(0.99) < 1);
    assert.ok(at(0.99) > at(0.7));
  });

  it('refuses to load a model trained on other features', () => {
    const model = loadModelFile().models[0]!;
    const stale: PairModel = { ...model, features: [...FEATURE_NAMES.slice(1), 'something-else'] };
    assert.throws(() => new PairClassifier(stale, { ownSimilarity: true }), /other features/);
    const logistic = { kind: 'logistic' as const, mean: [0], scale: [1], weights: [1], bias: 0 };
    assert.throws(() => new PairClassifier({ ...model, scorer: logistic }, { ownSimilarity: true }), /expected/);
    const tree = { feature: [FEATURE_NAMES.length, -1, -1], threshold: [0.5, 0, 0], left: [1, 0, 0], right: [2, 0, 0], value: [0, 1, -1] };
    assert.throws(() => new PairClassifier({ ...model, scorer: { kind: 'trees', base: 0, trees: [tree] } }, { ownSimilarity: true }), /reads feature/);
    const loop = { ...tree, feature: [0, -1, -1], left: [0, 0, 0] };
    assert.throws(() => new PairClassifier({ ...model, scorer: { kind: 'trees', base: 0, trees: [loop] } }, { ownSimilarity: true }), /outside the tree/);
  });
});
