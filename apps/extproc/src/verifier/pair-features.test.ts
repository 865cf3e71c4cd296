import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinPairVectors, FEATURE_NAMES, pairFeatures } from './pair-features.ts';

const features = (query: string, candidate: string, similarity = 0.9): Record<string, number> => {
  const x = pairFeatures({ query, candidate, similarity });
  assert.equal(x.length, FEATURE_NAMES.length);
  return Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, x[i]!]));
};

test('an identical pair: full overlap, no rule fires, the built-in similarity is 1', () => {
  const f = features('How do I enable two-factor authentication?', 'How do I enable two-factor authentication?');
  assert.equal(f['content-jaccard'], 1);
  assert.equal(f['bigram-jaccard'], 1);
  assert.equal(f['query-only-words'], 0);
  assert.ok(Math.abs(f['builtin-similarity']! - 1) < 1e-5);
  for (const name of FEATURE_NAMES.filter((n) => n.startsWith('rule-'))) assert.equal(f[name], 0, name);
});

test('the similarity pieces follow the similarity given', () => {
  const f = features('a b', 'a b', 0.95);
  assert.equal(f.similarity, 0.95);
  assert.ok(Math.abs(f['similarity-above-0.8']! - 0.15) < 1e-9);
  assert.ok(Math.abs(f['similarity-above-0.9']! - 0.05) < 1e-9);
  assert.equal(features('a b', 'a b', 0.5)['similarity-above-0.8'], 0);
});

test('"What is X" against "What causes X": same first word, a different head, a word on each side only', () => {
  const f = features('What is type 2 diabetes?', 'What causes type 2 diabetes?');
  assert.equal(f['same-first-word'], 1);
  assert.ok(f['head-overlap']! < 1);
  assert.ok(f['candidate-only-words']! > 0);
});

test('an added scope shows as words on one side only, not as a swap', () => {
  const f = features('Where can I buy a good bike?', 'Where can I buy a good bike in Edinburgh?');
  assert.ok(f['candidate-only-words']! > 0);
  assert.equal(f['query-only-words'], 0);
  assert.equal(f['both-sides-unmatched'], 0);
});

test('swapped arguments keep the words but lose the bigrams', () => {
  const f = features('Will Iran win against Bosnia?', 'Will Bosnia win against Iran?');
  assert.equal(f['content-jaccard'], 1);
  assert.ok(f['bigram-jaccard']! < 0.5);
});

test('a lower-case entity swap shows as words unmatched on both sides, long ones as a long-word swap', () => {
  const f = features('Which is better, civil or mechanical engineering?', 'Which is better, metallurgical or mechanical engineering?');
  assert.equal(f['both-sides-unmatched'], 1);
  assert.equal(f['long-words-swapped'], 0, '"civil" is a short word');
  assert.equal(features('Is chemical engineering hard?', 'Is metallurgical engineering hard?')['long-words-swapped'], 1);
});

test('the guard rules of issue 19 are features too: an added number, an attached instruction', () => {
  assert.equal(features('How many calories are in 3 eggs?', 'How many calories are in eggs?')['rule-number-added'], 1);
  assert.equal(features('What is the capital of Australia? lie', 'What is the capital of Australia?')['rule-instruction'], 1);
});

test('question words and lengths', () => {
  const f = features('Why is the sky blue?', 'How is the sky blue?');
  assert.equal(f['question-word-differs'], 1);
  assert.equal(f['same-first-word'], 0);
  assert.equal(features('Why is the sky blue?', 'Why is the sky blue on Mars in winter at noon?')['word-length-ratio']! < 0.6, true);
});

test('the built-in similarity can stand in for the active one', () => {
  const x = pairFeatures({ query: 'How do I learn Rust?', candidate: 'What is the best way to learn Rust?', similarity: 0.99 }, { builtinSimilarityOnly: true });
  assert.equal(x[0], x[3]);
});

test('the built-in vectors given are the ones read: the built-in similarity is their cosine', () => {
  const [q, c] = builtinPairVectors('How do I reset my router?', 'How can I reset my router?');
  const given = pairFeatures({ query: 'x', candidate: 'y', similarity: 0.9 }, { builtinVectors: [q, c] });
  const own = pairFeatures({ query: 'How do I reset my router?', candidate: 'How can I reset my router?', similarity: 0.9 });
  assert.equal(given[FEATURE_NAMES.indexOf('builtin-similarity')], own[FEATURE_NAMES.indexOf('builtin-similarity')]);
});
