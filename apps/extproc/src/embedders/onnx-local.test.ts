import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { EmbedderError } from './embedder.ts';
import { OnnxLocalEmbedder } from './onnx-local.ts';

const { onnx } = onnxProto;

/** Each word's token vector: one axis per word, so mean pooling is easy to predict. */
const VOCAB = ['[PAD]', '[UNK]', 'cache', 'hit', 'miss', 'kubernetes'];
const DIM = 4;
const VECTORS = [[0, 0, 0, 0], [1, 1, 1, 1], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];

function tensorInfo(name: string, elemType: number, dims: (string | number)[]): onnxProto.onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

/** A "transformer" that is a single embedding lookup: input_ids [batch, seq] -> last_hidden_state [batch, seq, DIM]. */
function tinyModel(output = 'last_hidden_state'): Uint8Array {
  const { FLOAT, INT64 } = onnx.TensorProto.DataType;
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'semcache-test',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny',
      node: [{
        opType: 'Gather',
        input: ['embeddings', 'input_ids'],
        output: [output],
        attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
      }],
      initializer: [{ name: 'embeddings', dataType: FLOAT, dims: [VOCAB.length, DIM], floatData: VECTORS.flat() }],
      input: [tensorInfo('input_ids', INT64, ['batch', 'seq']), tensorInfo('attention_mask', INT64, ['batch', 'seq'])],
      output: [tensorInfo(output, FLOAT, ['batch', 'seq', DIM])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function writeModelDir(dir: string): void {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx', 'model.onnx'), tinyModel());
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: DIM }));
  const special = (id: number): object =>
    ({ id, content: VOCAB[id], single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0), special(1)],
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab: Object.fromEntries(VOCAB.map((w, i) => [w, i])), unk_token: '[UNK]' },
  }));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({
    tokenizer_class: 'PreTrainedTokenizer', pad_token: '[PAD]', unk_token: '[UNK]', model_max_length: 128,
  }));
}

let root = '';
let modelDir = '';

before(() => {
  root = mkdtempSync(join(tmpdir(), 'semcache-onnx-'));
  modelDir = join(root, 'tiny-model');
  writeModelDir(modelDir);
});

after(() => rmSync(root, { recursive: true, force: true }));

const close = (actual: Float32Array, expected: number[]): void => {
  assert.equal(actual.length, expected.length);
  actual.forEach((x, i) => assert.ok(Math.abs(x - expected[i]!) < 1e-5, `[${[...actual]}] != [${expected}]`));
};

test('mean-pools over real tokens only and normalises', async () => {
  const e = new OnnxLocalEmbedder({ modelDir });
  try {
    const [a, b, c] = await e.embed(['Cache hit', 'kubernetes', 'cache cache miss']);
    close(a!, [Math.SQRT1_2, Math.SQRT1_2, 0, 0]);
    close(b!, [0, 0, 0, 1]); // padded to the batch's longest prompt, yet unchanged
    const n = Math.sqrt(5);
    close(c!, [2 / n, 0, 1 / n, 0]);
  } finally {
    await e.close();
  }
});

test('two workers and runs cut by length: every concurrent call gets its own vectors, in order', async () => {
  const e = new OnnxLocalEmbedder({ modelDir, workers: 2, maxBatch: 4 });
  try {
    // 61 tokens beside 1-token prompts: the batch is cut into a short run and a long one.
    const long = `${Array(60).fill('cache').join(' ')} miss`;
    const n = Math.sqrt(3601);
    const calls = Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? [long, 'kubernetes'] : i % 3 === 1 ? ['hit'] : ['kubernetes', 'miss', long]));
    const out = await Promise.all(calls.map((texts) => e.embed(texts)));
    out.forEach((vectors, i) => {
      assert.equal(vectors.length, calls[i]!.length);
      vectors.forEach((v, j) => {
        const text = calls[i]![j]!;
        close(v, text === long ? [60 / n, 0, 1 / n, 0] : text === 'hit' ? [0, 1, 0, 0] : text === 'miss' ? [0, 0, 1, 0] : [0, 0, 0, 1]);
      });
    });
  } finally {
    await e.close();
  }
});

test('identity names the model and carries its dimensions and a content fingerprint', () => {
  const e = new OnnxLocalEmbedder({ modelDir, defaultThreshold: 0.9 });
  assert.equal(e.identity.provider, 'onnx-local');
  assert.equal(e.identity.model, 'tiny-model');
  assert.equal(e.identity.dimensions, DIM);
  assert.match(e.identity.version, /^[0-9a-f]{12}$/);
  assert.equal(e.defaultThreshold, 0.9);
});

test('a missing directory is a clear error at construction', () => {
  assert.throws(() => new OnnxLocalEmbedder({ modelDir: join(root, 'nope') }), /does not exist/);
});

test('a directory without the ONNX file names what is missing', () => {
  const dir = join(root, 'no-onnx');
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), '{}');
  assert.throws(() => new OnnxLocalEmbedder({ modelDir: dir }), /lacks tokenizer\.json, tokenizer_config\.json, onnx\/model\.onnx/);
});

test('a malformed config is a clear error at construction', () => {
  const dir = join(root, 'bad-config');
  writeModelDir(dir);
  writeFileSync(join(dir, 'config.json'), '{ not json');
  assert.throws(() => new OnnxLocalEmbedder({ modelDir: dir }), /config\.json is not valid JSON/);
});

test('a corrupt ONNX file fails loading with the directory in the message', async () => {
  const dir = join(root, 'corrupt');
  writeModelDir(dir);
  writeFileSync(join(dir, 'onnx', 'model.onnx'), 'not a model');
  await assert.rejects(OnnxLocalEmbedder.load(dir), /cannot load model from .*corrupt/);
});

test('load() returns a ready embedder', async () => {
  const e = await OnnxLocalEmbedder.load(modelDir);
  try {
    const [v] = await e.embed(['miss']);
    close(v!, [0, 0, 1, 0]);
  } finally {
    await e.close();
  }
});

test('a model without a per-token output rejects each embed call as a bad response, and start-up still succeeds', async () => {
  const dir = join(root, 'wrong-output');
  writeModelDir(dir);
  writeFileSync(join(dir, 'onnx', 'model.onnx'), tinyModel('pooled'));
  const e = await OnnxLocalEmbedder.load(dir);
  try {
    for (let i = 0; i < 2; i++) {
      await assert.rejects(e.embed(['cache']), (err: unknown) =>
        err instanceof EmbedderError && err.kind === 'bad-response' && /no last_hidden_state or token_embeddings output/.test(err.message));
    }
  } finally {
    await e.close();
  }
});
