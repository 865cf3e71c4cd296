/**
 * Fits the stacked verifier (apps/extproc/src/verifier/stacked-verifier.ts): one logistic model over the
 * duplicate-question cross-encoder's verdict, the learned classifier's and the similarity, for the MiniLM
 * embedder, and writes it to apps/extproc/src/verifier/models/stacked-verifier.json (`--dry-run`: report only).
 *
 *   npm run train:stacked      # = node bench/train-stacked-verifier.ts
 *
 * Reads the `tune` part of the outside pairs only: the classifier and the cross-encoder were fitted on `train`,
 * so their verdicts on tune are out of sample, and `validation` is never read (bench/verifier-quality.ts
 * --cross-encoder reports on it). Thresholds come from five-fold out-of-fold scores on tune (each pair scored by
 * a fit that did not see it), for the best recall at a false-hit rate of at most 1.5%, the classifier's rule; the
 * gate (the classifier score below which the cross-encoder is not asked) is chosen the same way among a few
 * values, a tie going to the higher gate (fewer cross-encoder runs). The cross-encoder's scores are cached in
 * bench/.cache by its model file's sha256, shared with verifier-quality.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbedderConfigSchema } from '@semcache/shared';
import { createEmbedder } from '../apps/extproc/src/embedders/create-embedder.ts';
import { embedderName, PairClassifier } from '../apps/extproc/src/verifier/pair-classifier.ts';
import { fileSha256, STACKED_FILE, STACKED_INPUTS, stackedInputs, stackedScore, type StackedModel } from '../apps/extproc/src/verifier/stacked-verifier.ts';
import { markdownTable } from './lib/markdown-table.ts';
import { loadOutsidePairs } from './quality/outside-split.ts';
import { CROSS_ENCODER_DIR, crossEncoderSpec, modelScores } from './verifier/cross-encoder-rows.ts';
import { bestSettings, settingsForRecall, type PairRecord, type Quality } from './verifier/decision.ts';
import { fitLogistic } from './verifier/logistic.ts';
import { embedPairs, guardAllows, pairKey } from './verifier/pair-data.ts';

const MAX_FALSE_HIT_RATE = 0.015;
const GATES = [0.1, 0.3, 0.5];
const FOLDS = 5;
const LOWEST_CANDIDATE = 0.3;
const dryRun = process.argv.includes('--dry-run');
const round = (x: number) => Number(x.toPrecision(6));

const embedder = await createEmbedder(EmbedderConfigSchema.parse({ provider: 'onnx', modelDir: join(import.meta.dirname, '..', 'models', 'all-minilm-l6-v2-int8') }));
const tune = loadOutsidePairs({ parts: ['tune'] });
const embedded = await embedPairs(embedder, tune);
const classifier = PairClassifier.forEmbedder(embedder.identity);
const spec = crossEncoderSpec();
const crossEncoder = await spec.load(2);
const xe = await modelScores(spec, crossEncoder, tune, embedded.map((e) => e.similarity));
await crossEncoder.close?.();

/** A pair's fold from its key, the same in every run. */
const foldOf = (key: string): number => [...key].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 0) % FOLDS;

const rows = embedded.map(({ pair, similarity, vectors: [queryVector, candidateVector] }, i) => ({
  same: pair.same, similarity, guardOk: guardAllows(pair), fold: foldOf(pairKey(pair)),
  classifier: classifier.score({ query: pair.b, candidate: pair.a, similarity, queryVector, candidateVector }), crossEncoder: xe[i]!,
}));
type Row = (typeof rows)[number];
const fitted = (r: Row, gate: number) => r.guardOk && r.similarity >= LOWEST_CANDIDATE && r.classifier >= gate;

function fit(train: readonly Row[], gate: number): StackedModel {
  const use = train.filter((r) => fitted(r, gate));
  const lr = fitLogistic(use.map((r) => stackedInputs(r.crossEncoder, r.classifier, r.similarity)), use.map((r) => Number(r.same)));
  return {
    embedder: embedderName(embedder.identity), crossEncoderSha256: fileSha256(join(CROSS_ENCODER_DIR, 'onnx', 'model.onnx')), gate,
    inputs: [...STACKED_INPUTS],
    scorer: { kind: 'logistic', mean: lr.mean.map(round), scale: lr.scale.map(round), weights: lr.weights.map(round), bias: round(lr.bias) },
    trainedOn: { tune: train.length, fitted: use.length }, tuned: { candidateThreshold: 0, verifierThreshold: 0 },
  };
}

/** Every tune pair scored by the fold's model that did not see it (0 under the gate, as served). */
function outOfFold(gate: number): PairRecord[] {
  const models = Array.from({ length: FOLDS }, (_, k) => fit(rows.filter((r) => r.fold !== k), gate));
  return rows.map((r) => ({
    same: r.same, similarity: r.similarity, guardOk: r.guardOk,
    score: r.classifier < gate ? 0 : stackedScore(models[r.fold]!, r.crossEncoder, r.classifier, r.similarity),
  }));
}

const fmt = (q: Quality) => [q.threshold.toFixed(2), q.verifierThreshold.toFixed(2), q.recall.toFixed(3), q.precision.toFixed(3), q.falseHitRate.toFixed(4)];
const table: string[][] = [];
let best: { gate: number; q: Quality } | null = null;
for (const gate of GATES) {
  const oof = outOfFold(gate);
  const q = bestSettings(oof, MAX_FALSE_HIT_RATE, { verifier: true });
  const calls = rows.filter((r) => r.guardOk && r.similarity >= q.threshold && r.classifier >= gate).length / rows.length;
  table.push([gate.toFixed(2), `false-hit rate ≤ ${MAX_FALSE_HIT_RATE}`, ...fmt(q), calls.toFixed(3)]);
  table.push([gate.toFixed(2), 'false-hit rate ≤ 0.02', ...fmt(bestSettings(oof, 0.02, { verifier: true })), '']);
  table.push([gate.toFixed(2), 'false-hit rate ≤ 0.05', ...fmt(bestSettings(oof, 0.05, { verifier: true })), '']);
  table.push([gate.toFixed(2), 'recall ≥ 0.7', ...fmt(settingsForRecall(oof, 0.7, { verifier: true })), '']);
  if (best === null || q.recall >= best.q.recall) best = { gate, q };
}
console.log(`Stacked verifier, ${embedderName(embedder.identity)}, ${spec.title}: out-of-fold on ${rows.length} tune pairs (${FOLDS} folds)\n`);
console.log(markdownTable(['gate', 'target', 'candidate threshold', 'verifier threshold', 'recall', 'precision', 'false-hit rate', 'cross-encoder runs per lookup'], table, [2, 3, 4, 5, 6, 7]));
const model = { ...fit(rows, best!.gate), tuned: { candidateThreshold: best!.q.threshold, verifierThreshold: best!.q.verifierThreshold } };
console.log(`\nchosen: gate ${model.gate}, thresholds ${model.tuned.candidateThreshold} / ${model.tuned.verifierThreshold}; weights ${model.scorer.weights.join(', ')} (${STACKED_INPUTS.join(', ')}, standardised), bias ${model.scorer.bias}`);
if (!dryRun) {
  writeFileSync(STACKED_FILE, `${JSON.stringify({ command: 'npm run train:stacked', models: [model] }, null, 2)}\n`);
  console.log(`wrote ${STACKED_FILE}`);
}
await embedder.close?.();
