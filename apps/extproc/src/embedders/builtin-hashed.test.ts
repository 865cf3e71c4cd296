import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BuiltinHashedEmbedder, tokenize } from './builtin-hashed.ts';

const cosine = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

async function similarity(e: BuiltinHashedEmbedder, a: string, b: string): Promise<number> {
  const [x, y] = await e.embed([a, b]);
  return cosine(x!, y!);
}

test('identity carries the configured dimensions', () => {
  const e = new BuiltinHashedEmbedder({ dimensions: 256 });
  assert.deepEqual(e.identity, { provider: 'builtin', model: 'hashed-ngrams', version: '1', dimensions: 256 });
});

test('rejects a dimension count that is not a positive integer', () => {
  assert.throws(() => new BuiltinHashedEmbedder({ dimensions: 0 }), /positive integer/);
  assert.throws(() => new BuiltinHashedEmbedder({ dimensions: 1.5 }), /positive integer/);
});

test('vectors are unit length, of the configured size, and deterministic across instances', async () => {
  const [a] = await new BuiltinHashedEmbedder({ dimensions: 512 }).embed(['How do I reset my password?']);
  const [b] = await new BuiltinHashedEmbedder({ dimensions: 512 }).embed(['How do I reset my password?']);
  assert.equal(a!.length, 512);
  assert.ok(Math.abs(cosine(a!, a!) - 1) < 1e-5);
  assert.deepEqual(a, b);
});

test('text with nothing to embed is a degenerate-embedding error, never a zero or NaN vector', async () => {
  const e = new BuiltinHashedEmbedder({ dimensions: 64 });
  for (const text of ['', '   \n ']) await assert.rejects(e.embed([text]), { name: 'EmbedderError', kind: 'degenerate' });
});

test('emoji, symbols and punctuation-only prompts get features of their own', async () => {
  const e = new BuiltinHashedEmbedder({ dimensions: 256 });
  const prompts = ['🍕🍕🍕?', '😡😡', '???', '!!!', '👩\u200D💻', '→'];
  const vectors = await e.embed(prompts);
  for (const v of vectors) assert.ok(Math.abs(cosine(v, v) - 1) < 1e-5, 'a unit vector');
  for (let i = 0; i < prompts.length; i++) {
    for (let j = i + 1; j < prompts.length; j++) {
      assert.ok(cosine(vectors[i]!, vectors[j]!) < 0.5, `'${prompts[i]}' and '${prompts[j]}' are apart`);
    }
  }
  assert.ok((await similarity(e, 'What is 🍕?', 'What is 🍔?')) < 1, 'a symbol changes the vector of a worded prompt');
  assert.ok((await similarity(e, 'Is it done?', 'Is it done')) > 0.999, 'punctuation beside words does not');
});

test('acceptance: a filler-word rephrasing is a hit at the default threshold', async () => {
  const e = new BuiltinHashedEmbedder({ dimensions: 512 });
  const s = await similarity(e, 'What is Kubernetes', 'Kubernetes what is it anyway');
  assert.ok(s >= e.defaultThreshold, `similarity ${s} below threshold ${e.defaultThreshold}`);
});

test('unrelated questions stay far below the default threshold', async () => {
  const e = new BuiltinHashedEmbedder({ dimensions: 512 });
  const s = await similarity(e, 'What is Kubernetes', 'How do I bake sourdough bread at home?');
  assert.ok(s < e.defaultThreshold - 0.3, `similarity ${s}`);
});

test('tokenising is case-, Unicode- and apostrophe-aware', () => {
  assert.deepEqual(tokenize('Größe von Zürich? It’s ÉTÉ'), ['größe', 'von', 'zürich', "it's", 'été']);
  assert.deepEqual(tokenize('don\u2019t stop'), ["don't", 'stop']);
});
