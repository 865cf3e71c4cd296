/**
 * Child side of int8-without-vnni.test.ts, which runs it on an emulated CPU: prints one JSON line of what this
 * CPU computes.
 *   node int8-cpu-child.ts matmul                  the saturating product, signed weights and unsigned, and the exact one
 *   node int8-cpu-child.ts nli|cross-encoder '[["a","b"],...]'   the installed NLI model's / the committed cross-encoder's scores
 */
import { writeSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { DEFAULT_NLI_MODEL, modelsRoot } from '../src/embedders/model-catalog.ts';
import { CrossEncoderVerifier, DEFAULT_CROSS_ENCODER_DIR } from '../src/verifier/cross-encoder/cross-encoder-verifier.ts';
import { NliVerifier } from '../src/verifier/nli/nli-verifier.ts';
import { unsignInt8Weights } from '../src/embedders/unsigned-int8-weights.ts';
import { saturatingMatMul } from './int8-matmul-model.ts';

const [mode, pairsArg = '[]'] = process.argv.slice(2);
const print = (value: unknown) => writeSync(1, `${JSON.stringify(value)}\n`);

if (mode === 'matmul') {
  const { model, input, exact, dims } = saturatingMatMul();
  const run = async (bytes: Uint8Array) => {
    const session = await ort.InferenceSession.create(bytes);
    const { y } = await session.run({ a: new ort.Tensor('uint8', input, dims) });
    return [...(y!.data as Int32Array)];
  };
  print({ signed: await run(model), unsigned: await run(unsignInt8Weights(model).bytes), exact });
} else {
  // Emulated, a batch runs tens of times slower than natively, and slower still on a loaded machine: the 30 s
  // after which a native worker counts as stuck ended one here. The test's own timeout (300 s) still holds.
  const stallMs = 280_000;
  const verifier = mode === 'nli'
    ? await NliVerifier.load({ dir: join(modelsRoot(), DEFAULT_NLI_MODEL), stallMs })
    : await CrossEncoderVerifier.load({ dir: DEFAULT_CROSS_ENCODER_DIR, stallMs });
  const scores = [];
  for (const [query, candidate] of JSON.parse(pairsArg) as [string, string][]) scores.push(await verifier.score({ query, candidate, similarity: 0.9 }));
  await verifier.close();
  print(scores);
}
