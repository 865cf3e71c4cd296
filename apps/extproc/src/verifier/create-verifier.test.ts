import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigSchema, type EmbedderIdentity } from '@semcache/shared';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVerifier } from './create-verifier.ts';
import { CROSS_ENCODER_TUNED } from './cross-encoder/cross-encoder-tuned.ts';
import { DEFAULT_CROSS_ENCODER_DIR } from './cross-encoder/cross-encoder-verifier.ts';
import { findStackedModel } from './stacked-verifier.ts';

const MINILM: EmbedderIdentity = { provider: 'onnx-local', model: 'all-minilm-l6-v2-int8', version: '1', dimensions: 384 };
const BUILTIN: EmbedderIdentity = { provider: 'builtin', model: 'hashed-ngrams', version: '1', dimensions: 256 };

describe('createVerifier with the default kind, auto', () => {
  it('stacks the classifier and the cross-encoder where weights were fitted with the embedder', async () => {
    const v = await createVerifier(ConfigSchema.parse({}), MINILM);
    try {
      assert.match(v.id, /^stacked:pair-classifier\/.+\+cross-encoder\/minilm-l6-qqp-xe$/);
      assert.deepEqual(v.tuned, findStackedModel('onnx-local/all-minilm-l6-v2-int8', DEFAULT_CROSS_ENCODER_DIR)!.tuned);
    } finally {
      await v.close?.();
    }
  });

  it('chains them for another cross-encoder model, whose scores the weights were not fitted on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'semcache-xe-copy-'));
    try {
      cpSync(DEFAULT_CROSS_ENCODER_DIR, dir, { recursive: true });
      // An unknown protobuf field (number 1000, varint 0), which onnxruntime skips: the same graph, another sha256.
      appendFileSync(join(dir, 'onnx', 'model.onnx'), Buffer.from([0xc0, 0x3e, 0x00]));
      assert.equal(findStackedModel('onnx-local/all-minilm-l6-v2-int8', dir), null);
      const v = await createVerifier(ConfigSchema.parse({ verifierModel: { crossEncoderModelDir: dir } }), MINILM);
      assert.match(v.id, /^pair-classifier\/.+\+cross-encoder\//);
      assert.deepEqual(v.tuned, CROSS_ENCODER_TUNED['onnx-local/all-minilm-l6-v2-int8']!.afterClassifier);
      await v.close?.();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the classifier alone for an embedder the cross-encoder was not measured with', async () => {
    const v = await createVerifier(ConfigSchema.parse({}), BUILTIN);
    assert.match(v.id, /^pair-classifier\//);
    assert.doesNotMatch(v.id, /cross-encoder/);
    await v.close?.();
  });
});

describe('createVerifier with kind stacked', () => {
  it('stops start-up for an embedder it has no weights for, naming the command that fits them', async () => {
    await assert.rejects(createVerifier(ConfigSchema.parse({ verifierModel: { kind: 'stacked' } }), BUILTIN), /no weights fitted for embedder builtin\/hashed-ngrams.*npm run train:stacked/);
  });
});
