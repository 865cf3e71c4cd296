import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigSchema, type EmbedderIdentity } from '@semcache/shared';
import { createVerifier } from './create-verifier.ts';
import { CROSS_ENCODER_TUNED } from './cross-encoder/cross-encoder-tuned.ts';

const MINILM: EmbedderIdentity = { provider: 'onnx-local', model: 'all-minilm-l6-v2-int8', version: '1', dimensions: 384 };
const BUILTIN: EmbedderIdentity = { provider: 'builtin', model: 'hashed-ngrams', version: '1', dimensions: 256 };

describe('createVerifier with the default kind, auto', () => {
  it('chains the classifier and the cross-encoder where thresholds were measured with the embedder', async () => {
    const v = await createVerifier(ConfigSchema.parse({}), MINILM);
    try {
      assert.match(v.id, /^pair-classifier\/.+\+cross-encoder\/minilm-l6-qqp-xe$/);
      assert.deepEqual(v.tuned, CROSS_ENCODER_TUNED['onnx-local/all-minilm-l6-v2-int8']!.afterClassifier);
    } finally {
      await v.close?.();
    }
  });

  it('keeps the classifier alone for an embedder the cross-encoder was not measured with', async () => {
    const v = await createVerifier(ConfigSchema.parse({}), BUILTIN);
    assert.match(v.id, /^pair-classifier\//);
    assert.doesNotMatch(v.id, /cross-encoder/);
    await v.close?.();
  });
});
