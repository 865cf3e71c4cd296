import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { checkTarget, WriteTargetError, writeTarget } from './write-target.ts';

const refused = (argv: string[], message: RegExp) => assert.throws(() => writeTarget(argv), (e: unknown) => e instanceof WriteTargetError && message.test(e.message));

describe('which model entry the verifier trainer may rewrite', () => {
  it('none unless told: no flag, a bare --write, an unknown name or both flags are refused', () => {
    refused([], /refusing to write .*--write builtin \| --write minilm/);
    refused(['--scorers', 'logistic'], /refusing to write/);
    refused(['--write'], /--write needs a model/);
    refused(['--write', '--adapter'], /--write needs a model/);
    refused(['--write', 'bert'], /--write bert: no such model/);
    refused(['--write', 'builtin', '--dry-run'], /contradict/);
  });

  it('the committed models by short name, any other by its embedder name, nothing with --dry-run', () => {
    assert.equal(writeTarget(['--write', 'builtin', '--scorers', 'logistic']), 'builtin/hashed-ngrams');
    assert.equal(writeTarget(['--adapter', '--write', 'minilm', '--train', '10000']), 'onnx-local/all-minilm-l6-v2-int8');
    assert.equal(writeTarget(['--write', 'onnx-local/bge-small']), 'onnx-local/bge-small');
    assert.equal(writeTarget(['--dry-run']), null);
  });

  it("refuses a run whose embedder is not the named entry's", () => {
    assert.throws(() => checkTarget('onnx-local/all-minilm-l6-v2-int8', 'builtin/hashed-ngrams'), /--write names onnx-local\/all-minilm-l6-v2-int8, but this run trains builtin\/hashed-ngrams/);
    checkTarget('builtin/hashed-ngrams', 'builtin/hashed-ngrams');
    checkTarget(null, 'builtin/hashed-ngrams');
  });

  it('the trainer itself exits with the reason, before training, when run without --write or for another embedder', () => {
    const trainer = new URL('../train-verifier.ts', import.meta.url).pathname;
    for (const [args, reason] of [[[], /refusing to write/], [['--write', 'minilm'], /but this run trains builtin\/hashed-ngrams/]] as const) {
      const env = { ...process.env };
      delete env.EMBEDDER;
      const r = spawnSync(process.execPath, [trainer, ...args], { encoding: 'utf8', env, timeout: 60_000 });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, reason);
      assert.doesNotMatch(r.stdout, /tune|trained on/, 'nothing was trained');
    }
  });
});
