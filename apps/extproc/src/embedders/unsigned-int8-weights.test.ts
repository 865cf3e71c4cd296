import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { saturatingMatMul } from '../../test/int8-matmul-model.ts';
import { CrossEncoderVerifier, DEFAULT_CROSS_ENCODER_DIR } from '../verifier/cross-encoder/cross-encoder-verifier.ts';
import { validateModelDir } from './model-source.ts';
import { countSignedInt8Weights, unsignInt8Weights } from './unsigned-int8-weights.ts';

const { onnx } = onnxProto;
const { INT8, UINT8 } = onnx.TensorProto.DataType;
const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'semcache-unsign-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

async function product(bytes: Uint8Array): Promise<number[]> {
  const { input, dims } = saturatingMatMul();
  const session = await ort.InferenceSession.create(bytes);
  const { y } = await session.run({ a: new ort.Tensor('uint8', input, dims) });
  return [...(y!.data as Int32Array)];
}

/** The saturating graph changed by `edit` before it is encoded. */
function edited(edit: (g: onnxProto.onnx.IGraphProto) => void): Uint8Array {
  const model = onnx.ModelProto.decode(saturatingMatMul().model);
  edit(model.graph!);
  return onnx.ModelProto.encode(model).finish();
}

describe('making signed int8 MatMulInteger weights unsigned', () => {
  it('moves the weight and its zero point to uint8, and the product stays exact', async () => {
    const { model, exact } = saturatingMatMul();
    assert.equal(countSignedInt8Weights(model), 2);
    const { bytes, converted } = unsignInt8Weights(model);
    assert.equal(converted, 2);
    assert.equal(countSignedInt8Weights(bytes), 0);
    const types = onnx.ModelProto.decode(bytes).graph!.initializer!.map((t) => t.dataType);
    assert.deepEqual(types, [UINT8, UINT8]);
    assert.deepEqual(await product(bytes), exact);
  });

  it('gives a weight without a zero point one of 128', async () => {
    const model = edited((g) => {
      g.node![0]!.input = ['a', 'b'];
      g.initializer = g.initializer!.filter((t) => t.name === 'b');
    });
    const { input, weights } = saturatingMatMul();
    const exact = Array.from({ length: 8 }, (_, n) => input.reduce((sum, a, k) => sum + a * weights[k * 8 + n]!, 0));
    const { bytes, converted } = unsignInt8Weights(model);
    assert.equal(converted, 1);
    assert.deepEqual(await product(bytes), exact);
  });

  it('keeps the signed original for another consumer of the same initializer', () => {
    const model = edited((g) => {
      g.node!.push({ opType: 'Cast', input: ['b'], output: ['b_float'], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] });
      g.output!.push({ name: 'b_float', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } });
    });
    const graph = onnx.ModelProto.decode(unsignInt8Weights(model).bytes).graph!;
    assert.deepEqual(graph.node!.map((n) => n.input), [['a', 'b_u8', '', 'b_zero_point_u8'], ['b']]);
    assert.deepEqual(graph.initializer!.map((t) => [t.name, t.dataType]), [['b', INT8], ['b_u8', UINT8], ['b_zero_point_u8', UINT8]]);
  });

  it('returns a graph without signed weights as it is', () => {
    const model = unsignInt8Weights(saturatingMatMul().model).bytes;
    const again = unsignInt8Weights(model);
    assert.equal(again.converted, 0);
    assert.equal(again.bytes, model);
  });

  it('refuses int8 values stored elsewhere than the message', () => {
    const model = edited((g) => { g.initializer![0]!.rawData = new Uint8Array(0); });
    assert.throws(() => unsignInt8Weights(model), /b: 0 int8 values stored for 512 elements/);
  });
});

describe('a model with signed int8 weights', () => {
  const signedDir = (name: string, files: (dir: string) => void): string => {
    const dir = join(scratch, name);
    files(dir);
    mkdirSync(join(dir, 'onnx'), { recursive: true });
    writeFileSync(join(dir, 'onnx', 'model.onnx'), saturatingMatMul().model);
    return dir;
  };

  it('stops a pair verifier at start-up with the command that converts it', () => {
    const dir = signedDir('cross-encoder', (d) => cpSync(DEFAULT_CROSS_ENCODER_DIR, d, { recursive: true, filter: (src) => !src.endsWith('.onnx') }));
    assert.throws(() => new CrossEncoderVerifier({ dir }), (err: Error) =>
      err.message.includes('2 signed int8 weight tensors') && err.message.includes(`npm run model:unsign -- ${join(dir, 'onnx', 'model.onnx')}`));
  });

  it('stops the onnx embedder at start-up the same way', () => {
    const dir = signedDir('embedder', (d) => {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: 8 }));
      writeFileSync(join(d, 'tokenizer.json'), '{}');
      writeFileSync(join(d, 'tokenizer_config.json'), '{}');
    });
    assert.throws(() => validateModelDir(dir), /onnx-local embedder: .* has 2 signed int8 weight tensors .* npm run model:unsign/);
  });

  it('is converted in place by npm run model:unsign, and then computes the exact product', async () => {
    const file = join(scratch, 'cli.onnx');
    writeFileSync(file, saturatingMatMul().model);
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'unsign-model.ts'), file], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /2 signed int8 weight tensors made unsigned/);
    const bytes = readFileSync(file);
    assert.equal(countSignedInt8Weights(bytes), 0);
    assert.deepEqual(await product(bytes), saturatingMatMul().exact);
  });
});
