/**
 * Makes the signed int8 weights of ONNX graphs unsigned, in place, for a model semcache refuses to load:
 *   npm run model:unsign -- path/to/model.onnx [...]
 * Exact: every output stays what it is on a CPU with AVX-512 VNNI, and becomes that on one without
 * (apps/extproc/src/embedders/unsigned-int8-weights.ts says why).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { unsignInt8Weights } from '../apps/extproc/src/embedders/unsigned-int8-weights.ts';

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: npm run model:unsign -- <model.onnx> [...]\n');
  process.exit(2);
}
for (const file of files) {
  const { bytes, converted } = unsignInt8Weights(readFileSync(file));
  if (converted > 0) {
    writeFileSync(`${file}.partial`, bytes);
    renameSync(`${file}.partial`, file);
  }
  process.stderr.write(`model:unsign: ${file}: ${converted} signed int8 weight tensors made unsigned\n`);
}
