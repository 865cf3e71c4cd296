/**
 * Trains the learned verifier (apps/extproc/src/verifier/) for one embedder and writes its weights into
 * apps/extproc/src/verifier/models/pair-classifier.json:
 *
 *   node bench/train-verifier.ts --logistic                              # the built-in embedder (--logistic: no trees)
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
import { builtinPairVectors, FEATURE_NAMES, pairFeatures, withVectorFeatures } from '../apps/extproc/src/verifier/pair-features.ts';
import { embedderName, MODEL_FILE, PairClassifier, PairModelFileSchema, type PairModel, type PairScorer } from '../apps/extproc/src/verifier/pair-classifier.ts';
import { loadOutsidePairs, type OutsidePair } from './quality/outside-split.ts';
import { fitBoostedTrees, type BoostOptions } from './verifier/boosted-trees.ts';
import { bestSettings, type PairRecord, type Quality } from './verifier/decision.ts';
import { fitLogistic } from './verifier/logistic.ts';
import { fitMlp, type MlpOptions } from './verifier/mlp-train.ts';
import { embedPairs, guardAllows, samplePairs } from './verifier/pair-data.ts';

const TUNE_MAX_FALSE_HIT_RATE = 0.015;
const MODEL_VERSION = '3';
const TREE_GRID: BoostOptions[] = [{ trees: 150, depth: 3 }, { trees: 200, depth: 4 }, { trees: 150, depth: 6 }];
const MLP_GRID: MlpOptions[] = [{ hidden: 16 }, { hidden: 32 }];
/** Scored into the model file; pair-classifier.test.ts re-scores them with this build's code and the real embedder. */
const CHECK_PAIRS: readonly [query: string, candidate: string][] = [
  ['Kubernetes what is it anyway', 'What is Kubernetes'],
  ['How can I lose weight fast?', 'How do I lose weight fast?'],
  ['What is the best way to learn guitar?', 'How should I learn guitar?'],
  ['What causes diabetes?', 'What is diabetes?'],
  ['Where can I buy a bike in Edinburgh?', 'Where can I buy a bike?'],
  ['Which is better, civil or mechanical engineering?', 'Which is better, metallurgical or mechanical engineering?'],
];
const COMMAND = 'npm run train:verifier (scripts/train-verifier.sh)';
const scorers = new Set((process.argv.includes('--scorers') ? process.argv[process.argv.indexOf('--scorers') + 1]! : 'logistic,trees,mlp').split(','));

const embedder = await createEmbedder(EmbedderConfigSchema.parse({
  provider: process.env.EMBEDDER ?? 'builtin',
  ...(process.env.EMBEDDING_MODEL_DIR ? { modelDir: process.env.EMBEDDING_MODEL_DIR } : {}),
}));
const name = embedderName(embedder.identity);

const builtinModel = embedder.identity.provider === 'builtin';

/** Each pair's features, and the same followed by the vector features the model would read. */
async function featurised(pairs: readonly OutsidePair[]) {
  return (await embedPairs(embedder, pairs)).map(({ pair, similarity, vectors }) => {
    const builtinVectors = builtinPairVectors(pair.b, pair.a);
    const x = pairFeatures({ query: pair.b, candidate: pair.a, similarity }, { builtinVectors });
    return { pair, similarity, guardOk: guardAllows(pair), x, xv: withVectorFeatures(x, builtinModel ? builtinVectors : vectors) };
  });
}

const sampleSize = (flag: string): number | undefined => {
  const at = process.argv.indexOf(flag);
  return at < 0 ? undefined : Number(process.argv[at + 1]);
};
const train = await featurised(samplePairs(loadOutsidePairs({ parts: ['train'] }), sampleSize('--train')));
const tune = await featurised(samplePairs(loadOutsidePairs({ parts: ['tune'] }), sampleSize('--tune')));
const seen = train.filter((r) => r.guardOk);
const [xs, ys] = [seen.map((r) => r.x), seen.map((r) => Number(r.pair.same))];

const seenTune = tune.filter((r) => r.guardOk);
const dimensions = train[0]!.xv.length - FEATURE_NAMES.length >> 1;
/** Each candidate scorer, its thresholds chosen on tune; the one with the best tune recall at the target is kept. */
const candidates: { label: string; scorer: PairScorer; vectors: boolean }[] = [
  ...(scorers.has('logistic') ? [{ label: 'logistic', scorer: { kind: 'logistic' as const, ...fitLogistic(xs, ys) }, vectors: false }] : []),
  // The built-in model's trees refuse the seed scenario's paraphrase (test/envoy/seed.envoy.test.ts).
  ...(scorers.has('trees') ? TREE_GRID : []).map((o) => ({ label: `trees ${o.trees}x depth ${o.depth}`, scorer: { kind: 'trees' as const, ...fitBoostedTrees(xs, ys, o) }, vectors: false })),
  ...(scorers.has('mlp') ? MLP_GRID : []).map((o) => {
    const t0 = performance.now();
    const { epochs, heldOutLoss, ...fit } = fitMlp(seen.map((r) => r.xv), ys, { xs: seenTune.map((r) => r.xv), ys: seenTune.map((r) => Number(r.pair.same)) }, o);
    console.log(`mlp ${o.hidden} units: best tune loss ${heldOutLoss.toFixed(4)} at epoch ${epochs}, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    return { label: `mlp ${o.hidden} units over the features and |u-v|, u*v`, scorer: { kind: 'mlp' as const, ...fit }, vectors: true };
  }),
];
let model: PairModel | null = null;
let chosen: Quality | null = null;
let tuneRecords: PairRecord[] = [];
for (const c of candidates) {
  const draft: PairModel = {
    embedder: name, version: MODEL_VERSION, features: [...FEATURE_NAMES], ...(c.vectors ? { vectors: { dimensions } } : {}),
    scorer: c.scorer, tuned: { candidateThreshold: 0, verifierThreshold: 0 },
  };
  const classifier = new PairClassifier(draft, { ownSimilarity: true });
  const records: PairRecord[] = tune.map((r) => ({ same: r.pair.same, similarity: r.similarity, guardOk: r.guardOk, score: classifier.scoreFeatures(c.vectors ? r.xv : r.x) }));
  const q = bestSettings(records, TUNE_MAX_FALSE_HIT_RATE, { verifier: true });
  console.log(`tune, ${c.label}: recall ${q.recall.toFixed(3)} at false-hit rate ${q.falseHitRate.toFixed(4)}`);
  if (chosen === null || q.recall > chosen.recall) {
    chosen = q;
    tuneRecords = records;
    model = { ...draft, trainedOn: { train: seen.length, tune: tune.length }, tuned: { candidateThreshold: q.threshold, verifierThreshold: q.verifierThreshold } };
  }
}
if (model === null || chosen === null) throw new Error('no scorer trained');

const file = existsSync(MODEL_FILE)
  ? PairModelFileSchema.parse(JSON.parse(readFileSync(MODEL_FILE, 'utf8')))
  : { command: '', models: [] };
const round = (x: number) => Number(x.toPrecision(6));
/** Five digits: the perceptron's tens of thousands of weights would otherwise make the file twice the size. */
const round5 = (x: number) => Number(x.toPrecision(5));
const sc = model.scorer;
const rounded: PairModel = {
  ...model,
  scorer: sc.kind === 'logistic'
    ? { ...sc, mean: sc.mean.map(round), scale: sc.scale.map(round), weights: sc.weights.map(round), bias: round(sc.bias) }
    : sc.kind === 'trees'
      ? { ...sc, base: round(sc.base), trees: sc.trees.map((t) => ({ ...t, threshold: t.threshold.map(round), value: t.value.map(round) })) }
      : { ...sc, mean: sc.mean.map(round5), scale: sc.scale.map(round5), hidden: sc.hidden.map(round5), hiddenBias: sc.hiddenBias.map(round5), out: sc.out.map(round5), outBias: round5(sc.outBias) },
};
const final = new PairClassifier(rounded, { ownSimilarity: true });
const checkVectors = await embedder.embed(CHECK_PAIRS.flat());
const saved: PairModel = {
  ...rounded,
  checks: CHECK_PAIRS.map(([query, candidate], i) => {
    const [queryVector, candidateVector] = [checkVectors[2 * i]!, checkVectors[2 * i + 1]!];
    const similarity = queryVector.reduce((sum, x, j) => sum + x * candidateVector[j]!, 0);
    return { query, candidate, score: round(final.score({ query, candidate, similarity, queryVector, candidateVector })) };
  }),
};
writeFileSync(MODEL_FILE, `${JSON.stringify({
  command: COMMAND,
  models: [...file.models.filter((m) => m.embedder !== name), saved].sort((a, b) => a.embedder.localeCompare(b.embedder)),
})}\n`);

console.log(`${name}: trained on ${seen.length} train pairs the guard passes (${train.length} in train)`);
console.log(`tune (${tune.length} pairs): threshold ${chosen.threshold}, verifier threshold ${chosen.verifierThreshold}: ` +
  `recall ${chosen.recall.toFixed(3)}, precision ${chosen.precision.toFixed(3)}, false-hit rate ${chosen.falseHitRate.toFixed(4)}`);
const plain = bestSettings(tuneRecords, TUNE_MAX_FALSE_HIT_RATE, { verifier: false });
console.log(`tune without the verifier: threshold ${plain.threshold}: recall ${plain.recall.toFixed(3)}, false-hit rate ${plain.falseHitRate.toFixed(4)}`);
await embedder.close?.();
