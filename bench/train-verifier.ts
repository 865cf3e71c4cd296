/**
 * Trains the learned verifier (apps/extproc/src/verifier/) for one embedder and writes its weights into
 * apps/extproc/src/verifier/models/pair-classifier.json:
 *
 *   node bench/train-verifier.ts                                         # the built-in embedder
 *   EMBEDDER=onnx EMBEDDING_MODEL_DIR=models/... node bench/train-verifier.ts
 *
 * Fitted on the `train` part of the outside pairs (only pairs the guard lets through: what the verifier sees),
 * thresholds chosen on `tune` for the best recall at a false-hit rate of at most 1.5%; `validation` is never read
 * here (bench/verifier-quality.ts reports on it). `--train N --tune N` use a fixed sample of each part (the
 * first N by hash), for an embedder too slow to embed every pair on this machine.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { EmbedderConfigSchema } from '@semcache/shared';
import { createEmbedder } from '../apps/extproc/src/embedders/create-embedder.ts';
import { FEATURE_NAMES, pairFeatures } from '../apps/extproc/src/verifier/pair-features.ts';
import { embedderName, MODEL_FILE, PairClassifier, PairModelFileSchema, type PairModel } from '../apps/extproc/src/verifier/pair-classifier.ts';
import { loadOutsidePairs, type OutsidePair } from './quality/outside-split.ts';
import { bestSettings, type PairRecord } from './verifier/decision.ts';
import { fitLogistic } from './verifier/logistic.ts';
import { guardAllows, pairSimilarities, samplePairs } from './verifier/pair-data.ts';

const TUNE_MAX_FALSE_HIT_RATE = 0.015;
const MODEL_VERSION = '1';

const embedder = await createEmbedder(EmbedderConfigSchema.parse({
  provider: process.env.EMBEDDER ?? 'builtin',
  ...(process.env.EMBEDDING_MODEL_DIR ? { modelDir: process.env.EMBEDDING_MODEL_DIR } : {}),
}));
const name = embedderName(embedder.identity);

async function featurised(pairs: readonly OutsidePair[]) {
  const sims = await pairSimilarities(embedder, pairs);
  return pairs.map((p, i) => ({
    pair: p,
    similarity: sims[i]!,
    guardOk: guardAllows(p),
    x: pairFeatures({ query: p.b, candidate: p.a, similarity: sims[i]! }),
  }));
}

const sampleSize = (flag: string): number | undefined => {
  const at = process.argv.indexOf(flag);
  return at < 0 ? undefined : Number(process.argv[at + 1]);
};
const train = await featurised(samplePairs(loadOutsidePairs({ parts: ['train'] }), sampleSize('--train')));
const tune = await featurised(samplePairs(loadOutsidePairs({ parts: ['tune'] }), sampleSize('--tune')));
const seen = train.filter((r) => r.guardOk);
const fit = fitLogistic(seen.map((r) => r.x), seen.map((r) => Number(r.pair.same)));

const draft: PairModel = {
  embedder: name, version: MODEL_VERSION, features: [...FEATURE_NAMES], ...fit,
  tuned: { candidateThreshold: 0, verifierThreshold: 0 },
};
const classifier = new PairClassifier(draft, { ownSimilarity: true });
const tuneRecords: PairRecord[] = tune.map((r) => ({ same: r.pair.same, similarity: r.similarity, guardOk: r.guardOk, score: classifier.scoreFeatures(r.x) }));
const chosen = bestSettings(tuneRecords, TUNE_MAX_FALSE_HIT_RATE, { verifier: true });
const model: PairModel = { ...draft, trainedOn: { train: seen.length, tune: tune.length }, tuned: { candidateThreshold: chosen.threshold, verifierThreshold: chosen.verifierThreshold } };

const file = existsSync(MODEL_FILE)
  ? PairModelFileSchema.parse(JSON.parse(readFileSync(MODEL_FILE, 'utf8')))
  : { command: '', models: [] };
const round = (xs: number[]) => xs.map((x) => Number(x.toPrecision(6)));
const saved: PairModel = { ...model, mean: round(model.mean), scale: round(model.scale), weights: round(model.weights), bias: Number(model.bias.toPrecision(6)) };
writeFileSync(MODEL_FILE, `${JSON.stringify({
  command: 'node bench/train-verifier.ts (built-in); EMBEDDER=onnx EMBEDDING_MODEL_DIR=models/all-minilm-l6-v2-int8 node bench/train-verifier.ts --train 10000 --tune 5000',
  models: [...file.models.filter((m) => m.embedder !== name), saved].sort((a, b) => a.embedder.localeCompare(b.embedder)),
}, null, 2)}\n`);

console.log(`${name}: trained on ${seen.length} train pairs the guard passes (${train.length} in train)`);
console.log(`tune (${tune.length} pairs): threshold ${chosen.threshold}, verifier threshold ${chosen.verifierThreshold}: ` +
  `recall ${chosen.recall.toFixed(3)}, precision ${chosen.precision.toFixed(3)}, false-hit rate ${chosen.falseHitRate.toFixed(4)}`);
const plain = bestSettings(tuneRecords, TUNE_MAX_FALSE_HIT_RATE, { verifier: false });
console.log(`tune without the verifier: threshold ${plain.threshold}: recall ${plain.recall.toFixed(3)}, false-hit rate ${plain.falseHitRate.toFixed(4)}`);
await embedder.close?.();
