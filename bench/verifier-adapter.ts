/**
 * Whether a learned linear adapter of the embedding space (bench/verifier/adapter-train.ts) helps the threshold
 * tier: cos(Wu, Wv) in place of the embedder's cosine, with the guard, thresholds chosen on `tune` and measured
 * on `validation`. Fitted on the train pairs the guard lets through, stopped early on tune's.
 *
 *   EMBEDDER=onnx EMBEDDING_MODEL_DIR=models/all-minilm-l6-v2-int8 node bench/verifier-adapter.ts --train 10000
 *   node bench/verifier-adapter.ts --quick     # built-in embedder, 2,000 / 500 / 500 pairs, rank 4 (CI smoke)
 */
import { EmbedderConfigSchema } from '@semcache/shared';
import { createEmbedder } from '../apps/extproc/src/embedders/create-embedder.ts';
import { markdownTable } from './lib/markdown-table.ts';
import { loadOutsidePairs } from './quality/outside-split.ts';
import { AdaptedSpace } from '../apps/extproc/src/verifier/adapter.ts';
import { fitAdapter } from './verifier/adapter-train.ts';
import { bestSettings, quality, type PairRecord } from './verifier/decision.ts';
import { embedPairs, guardAllows, samplePairs, type EmbeddedPair } from './verifier/pair-data.ts';

const embedder = await createEmbedder(EmbedderConfigSchema.parse({
  provider: process.env.EMBEDDER ?? 'builtin',
  ...(process.env.EMBEDDING_MODEL_DIR ? { modelDir: process.env.EMBEDDING_MODEL_DIR } : {}),
}));
const quick = process.argv.includes('--quick');
const QUICK: Record<string, number> = { '--train': 2000, '--tune': 500, '--validation': 500, '--rank': 4 };
const flag = (name: string): number | undefined => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : quick ? QUICK[name] : undefined;
};
const part = async (p: 'train' | 'tune' | 'validation', n: number | undefined) =>
  (await embedPairs(embedder, samplePairs(loadOutsidePairs({ parts: [p] }), n))).map((e) => ({ ...e, guardOk: guardAllows(e.pair) }));
const [train, tune, validation] = [await part('train', flag('--train')), await part('tune', flag('--tune')), await part('validation', flag('--validation'))];

const asAdapter = (rs: readonly (EmbeddedPair & { guardOk: boolean })[]) => rs.filter((r) => r.guardOk).map((r) => ({ q: r.vectors[0], c: r.vectors[1], same: r.pair.same }));
const t0 = performance.now();
const rank = flag('--rank') ?? 32;
const fit = fitAdapter(asAdapter(train), asAdapter(tune), { rank, ...(quick ? { maxEpochs: 2 } : {}) });
const adapted = new AdaptedSpace(fit.adapter);
const seconds = (performance.now() - t0) / 1000;

/** Share of (duplicate, non-duplicate) pairs past the guard that the score orders right. */
function auc(rs: readonly PairRecord[]): number {
  const seen = rs.filter((r) => r.guardOk).sort((x, y) => x.similarity - y.similarity);
  let negatives = 0, right = 0, positives = 0;
  for (const r of seen) {
    if (r.same) { right += negatives; positives++; } else negatives++;
  }
  return right / (positives * negatives);
}

const rows: string[][] = [];
for (const [label, sim] of [['embedder cosine', (r: EmbeddedPair) => r.similarity], [`adapted cosine, rank ${rank}`, (r: EmbeddedPair) => adapted.cosine(r.vectors[0], r.vectors[1])]] as const) {
  const records = (rs: typeof train): PairRecord[] => rs.map((r) => ({ same: r.pair.same, similarity: sim(r), guardOk: r.guardOk, score: 1 }));
  const [tuneRs, validRs] = [records(tune), records(validation)];
  for (const target of [0.015, 0.02, 0.05]) {
    const chosen = bestSettings(tuneRs, target, { verifier: false });
    const q = quality(validRs, chosen.threshold, 0);
    rows.push([label, `false-hit rate ≤ ${target}`, chosen.threshold.toFixed(2), q.recall.toFixed(3), q.precision.toFixed(3), q.falseHitRate.toFixed(4), auc(validRs).toFixed(3)]);
  }
}
console.log(`${embedder.identity.model}: adapter fitted on ${asAdapter(train).length} train pairs past the guard in ${seconds.toFixed(0)} s ` +
  `(best tune loss ${fit.heldOutLoss.toFixed(4)} at epoch ${fit.epochs}); validation ${validation.length} pairs\n`);
console.log(markdownTable(['similarity', 'chosen on tune for', 'threshold', 'recall', 'precision', 'false-hit rate', 'AUC past the guard'], rows, [2, 3, 4, 5, 6]));
await embedder.close?.();
