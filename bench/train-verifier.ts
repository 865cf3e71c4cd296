/**
 * Trains the learned verifier (apps/extproc/src/verifier/) for one embedder and writes its weights into
 * apps/extproc/src/verifier/models/pair-classifier.json, replacing only the entry `--write` names, which must be
 * the embedder's (`--dry-run` trains and reports, writing nothing; without either it refuses to start):
 *
 *   node bench/train-verifier.ts --write builtin --scorers logistic      # the built-in embedder: its trees and perceptrons refuse the seed paraphrase
 *   EMBEDDER=onnx EMBEDDING_MODEL_DIR=models/... node bench/train-verifier.ts --write minilm --adapter --train 10000   # npm run train:verifier
 *
 * `--scorers` lists the kinds to fit (logistic, trees, mlp; all by default); perceptrons stop early on tune's
 * pairs past the guard. `--adapter` also fits a linear adapter of the embedding space and tries every kind
 * with and without the adapted similarity as one more input.
 *
 * Fitted on the `train` part of the outside pairs (only pairs the guard lets through: what the verifier sees),
 * thresholds chosen on `tune` for the best recall at a false-hit rate of at most 1.5%; `validation` is never read
 * here (bench/verifier-quality.ts reports on it). `--train N --tune N` use a fixed sample of each part (the
 * first N by hash), for an embedder too slow to embed every pair on this machine.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { EmbedderConfigSchema } from '@semcache/shared';
import { createEmbedder } from '../apps/extproc/src/embedders/create-embedder.ts';
import { AdaptedSpace, type Adapter } from '../apps/extproc/src/verifier/adapter.ts';
import { builtinPairVectors, pairFeatures } from '../apps/extproc/src/verifier/pair-features.ts';
import { embedderName, inputNames, MODEL_FILE, PairClassifier, PairModelFileSchema, type PairModel, type PairScorer } from '../apps/extproc/src/verifier/pair-classifier.ts';
import { loadOutsidePairs, type OutsidePair } from './quality/outside-split.ts';
import { fitAdapter } from './verifier/adapter-train.ts';
import { fitBoostedTrees, type BoostOptions } from './verifier/boosted-trees.ts';
import { checkScores } from './verifier/checks.ts';
import { bestSettings, type PairRecord, type Quality } from './verifier/decision.ts';
import { fitLogistic } from './verifier/logistic.ts';
import { fitMlp, type MlpOptions } from './verifier/mlp-train.ts';
import { embedPairs, guardAllows, samplePairs } from './verifier/pair-data.ts';
import { checkTarget, WriteTargetError, writeTarget } from './verifier/write-target.ts';

const TUNE_MAX_FALSE_HIT_RATE = 0.015;
const MODEL_VERSION = '3';
const TREE_GRID: BoostOptions[] = [{ trees: 150, depth: 3 }, { trees: 200, depth: 4 }, { trees: 150, depth: 6 }];
const MLP_GRID: MlpOptions[] = [{ hidden: 16 }, { hidden: 32 }];
const ADAPTER_RANK = 32;
const round = (x: number) => Number(x.toPrecision(6));
/** Five digits for the adapter's 24,576 numbers: six would add a tenth to the file for nothing measurable. */
const round5 = (x: number) => Number(x.toPrecision(5));
const COMMAND = 'npm run train:verifier';
const scorers = new Set((process.argv.includes('--scorers') ? process.argv[process.argv.indexOf('--scorers') + 1]! : 'logistic,trees,mlp').split(','));

/** Exits with the reason, before anything is trained, when the flags do not say which entry this run may replace. */
function refuseUnlessTold<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof WriteTargetError)) throw err;
    console.error(`train-verifier: ${err.message}`);
    process.exit(2);
  }
}
const target = refuseUnlessTold(() => writeTarget(process.argv.slice(2)));

const embedder = await createEmbedder(EmbedderConfigSchema.parse({
  provider: process.env.EMBEDDER ?? 'builtin',
  ...(process.env.EMBEDDING_MODEL_DIR ? { modelDir: process.env.EMBEDDING_MODEL_DIR } : {}),
}));
const name = embedderName(embedder.identity);
refuseUnlessTold(() => checkTarget(target, name));

/** Each pair's features, with its vectors for the adapter. */
async function featurised(pairs: readonly OutsidePair[]) {
  return (await embedPairs(embedder, pairs)).map(({ pair, similarity, vectors }) => ({
    pair, similarity, vectors, guardOk: guardAllows(pair),
    x: pairFeatures({ query: pair.b, candidate: pair.a, similarity }, { builtinVectors: builtinPairVectors(pair.b, pair.a) }),
  }));
}

const sampleSize = (flag: string): number | undefined => {
  const at = process.argv.indexOf(flag);
  return at < 0 ? undefined : Number(process.argv[at + 1]);
};
const train = await featurised(samplePairs(loadOutsidePairs({ parts: ['train'] }), sampleSize('--train')));
const tune = await featurised(samplePairs(loadOutsidePairs({ parts: ['tune'] }), sampleSize('--tune')));
const seen = train.filter((r) => r.guardOk);
const seenTune = tune.filter((r) => r.guardOk);
const ys = seen.map((r) => Number(r.pair.same));

/** `--adapter`: a linear map of the embedding space, fitted on the train pairs past the guard, stopped early on tune's. */
let adapter: Adapter | null = null;
if (process.argv.includes('--adapter')) {
  const t0 = performance.now();
  const asPairs = (rs: typeof train) => rs.map((r) => ({ q: r.vectors[0], c: r.vectors[1], same: r.pair.same }));
  const fit = fitAdapter(asPairs(seen), asPairs(seenTune), { rank: ADAPTER_RANK });
  adapter = { ...fit.adapter, u: fit.adapter.u.map(round5), v: fit.adapter.v.map(round5) };
  console.log(`adapter rank ${ADAPTER_RANK}: best tune loss ${fit.heldOutLoss.toFixed(4)} at epoch ${fit.epochs}, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
const adapted = adapter ? new AdaptedSpace(adapter) : null;
/** The scorer's input: the features, then the adapted similarity where the model has an adapter. */
const input = (r: (typeof train)[number], withAdapter: boolean): Float64Array =>
  withAdapter ? Float64Array.from([...r.x, adapted!.cosine(...r.vectors)]) : r.x;

/** Each candidate scorer, its thresholds chosen on tune; the one with the best tune recall at the target is kept. */
const candidates: { label: string; scorer: PairScorer; adapter: boolean }[] = [];
for (const withAdapter of adapter ? [false, true] : [false]) {
  const xs = seen.map((r) => input(r, withAdapter));
  const held = { xs: seenTune.map((r) => input(r, withAdapter)), ys: seenTune.map((r) => Number(r.pair.same)) };
  const suffix = withAdapter ? ', with the adapted similarity' : '';
  if (scorers.has('logistic')) candidates.push({ label: `logistic${suffix}`, scorer: { kind: 'logistic', ...fitLogistic(xs, ys) }, adapter: withAdapter });
  // The built-in model's trees and perceptrons refuse the seed scenario's paraphrase (test/envoy/seed.envoy.test.ts).
  for (const o of scorers.has('trees') ? TREE_GRID : []) {
    candidates.push({ label: `trees ${o.trees}x depth ${o.depth}${suffix}`, scorer: { kind: 'trees', ...fitBoostedTrees(xs, ys, o) }, adapter: withAdapter });
  }
  for (const o of scorers.has('mlp') ? MLP_GRID : []) {
    const { epochs, heldOutLoss, ...fit } = fitMlp(xs, ys, held, o);
    console.log(`mlp ${o.hidden} units${suffix}: best tune loss ${heldOutLoss.toFixed(4)} at epoch ${epochs}`);
    candidates.push({ label: `mlp ${o.hidden} units${suffix}`, scorer: { kind: 'mlp', ...fit }, adapter: withAdapter });
  }
}
let model: PairModel | null = null;
let chosen: Quality | null = null;
let tuneRecords: PairRecord[] = [];
for (const c of candidates) {
  const extra = c.adapter && adapter ? { adapter } : {};
  const draft: PairModel = {
    embedder: name, version: MODEL_VERSION, features: inputNames(extra), ...extra, scorer: c.scorer, tuned: { candidateThreshold: 0, verifierThreshold: 0 },
  };
  const classifier = new PairClassifier(draft, { ownSimilarity: true });
  const records: PairRecord[] = tune.map((r) => ({ same: r.pair.same, similarity: r.similarity, guardOk: r.guardOk, score: classifier.scoreFeatures(input(r, c.adapter)) }));
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
const sc = model.scorer;
const rounded: PairModel = {
  ...model,
  scorer: sc.kind === 'logistic'
    ? { ...sc, mean: sc.mean.map(round), scale: sc.scale.map(round), weights: sc.weights.map(round), bias: round(sc.bias) }
    : sc.kind === 'trees'
      ? { ...sc, base: round(sc.base), trees: sc.trees.map((t) => ({ ...t, threshold: t.threshold.map(round), value: t.value.map(round) })) }
      : { ...sc, mean: sc.mean.map(round), scale: sc.scale.map(round), hidden: sc.hidden.map(round), hiddenBias: sc.hiddenBias.map(round), out: sc.out.map(round), outBias: round(sc.outBias) },
};
const saved: PairModel = { ...rounded, checks: await checkScores(rounded, embedder) };
if (target !== null) {
  writeFileSync(MODEL_FILE, `${JSON.stringify({
    command: COMMAND,
    models: [...file.models.filter((m) => m.embedder !== target), saved].sort((a, b) => a.embedder.localeCompare(b.embedder)),
  })}\n`);
}

console.log(`${name}: trained on ${seen.length} train pairs the guard passes (${train.length} in train); ${target === null ? 'dry run, nothing written' : `written to ${MODEL_FILE}`}`);
console.log(`tune (${tune.length} pairs): threshold ${chosen.threshold}, verifier threshold ${chosen.verifierThreshold}: ` +
  `recall ${chosen.recall.toFixed(3)}, precision ${chosen.precision.toFixed(3)}, false-hit rate ${chosen.falseHitRate.toFixed(4)}`);
const plain = bestSettings(tuneRecords, TUNE_MAX_FALSE_HIT_RATE, { verifier: false });
console.log(`tune without the verifier: threshold ${plain.threshold}: recall ${plain.recall.toFixed(3)}, false-hit rate ${plain.falseHitRate.toFixed(4)}`);
await embedder.close?.();
