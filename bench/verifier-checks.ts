/**
 * Records the check scores (bench/verifier/checks.ts) of the model file's model for one embedder without
 * retraining it: for a model kept as it was, so that pair-classifier.test.ts notices when code and weights part.
 *
 *   node bench/verifier-checks.ts                     # the built-in model
 *   EMBEDDER=onnx EMBEDDING_MODEL_DIR=models/... node bench/verifier-checks.ts
 */
import { writeFileSync } from 'node:fs';
import { EmbedderConfigSchema } from '@semcache/shared';
import { createEmbedder } from '../apps/extproc/src/embedders/create-embedder.ts';
import { embedderName, loadModelFile, MODEL_FILE } from '../apps/extproc/src/verifier/pair-classifier.ts';
import { checkScores } from './verifier/checks.ts';

const embedder = await createEmbedder(EmbedderConfigSchema.parse({
  provider: process.env.EMBEDDER ?? 'builtin',
  ...(process.env.EMBEDDING_MODEL_DIR ? { modelDir: process.env.EMBEDDING_MODEL_DIR } : {}),
}));
const file = loadModelFile();
const name = embedderName(embedder.identity);
const model = file.models.find((m) => m.embedder === name);
if (!model) throw new Error(`no model for ${name} in ${MODEL_FILE}`);
const checks = await checkScores(model, embedder);
writeFileSync(MODEL_FILE, `${JSON.stringify({ ...file, models: file.models.map((m) => (m === model ? { ...m, checks } : m)) })}\n`);
console.log(`${name}: ${checks.length} check scores recorded`);
await embedder.close?.();
