/**
 * Hit quality per embedder, with and without the false-hit guard: store every paraphrase origin, query with
 * every paraphrase (true hits), with paraphrases of held-back origins (easy negatives) and with hand-written hard
 * negatives. Then the labelled outside pairs (QQP, SICK): each embedder's threshold is chosen on their train and
 * tune parts and reported on validation only. `--quick` runs a small slice for CI.
 *   node bench/hit-quality.ts [--quick] [--embedders=a,b] [--outside-only] [--outside-per-part=N]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BuiltinHashedEmbedder } from '../apps/extproc/src/embedders/builtin-hashed.ts';
import type { Embedder } from '../apps/extproc/src/embedders/embedder.ts';
import { BENCH_DATA, loadHardNegatives, loadParaphrases } from './quality/datasets.ts';
import { hardFalseHitRate, hardLeaksByKind, measure, measureHard, metricsAt, type Metrics, type Outcomes } from './quality/evaluate.ts';
import { GloveSifEmbedder } from './quality/glove-sif.ts';
import { MODEL_CATALOG, MANIFEST_FILE, modelsRoot } from '../apps/extproc/src/embedders/model-catalog.ts';
import { OnnxLocalEmbedder } from '../apps/extproc/src/embedders/onnx-local.ts';
import { chooseOutsideThreshold, outsideMetrics, scoreOutside, type ScoredPair } from './quality/outside-eval.ts';
import { loadOutsidePairs, type OutsidePair } from './quality/outside-split.ts';
import { ensureWordVectors } from './quality/glove-vectors.ts';
import { markdownTable, pct, thresholdTable } from './quality/report.ts';
import { WeightedConcatEmbedder } from './quality/weighted-concat.ts';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--embedders='))?.slice('--embedders='.length).split(',');
const TABLE_THRESHOLDS = Array.from({ length: 10 }, (_, i) => 0.5 + 0.05 * i);
const FINE_THRESHOLDS = Array.from({ length: 46 }, (_, i) => 0.5 + 0.01 * i);
/**
 * Measured easy false hits overstate real ones: the held-back QQP questions often have unlabelled duplicates in
 * the store (a hand review of the built-in's easy false hits at t >= 0.78 found 23 of 27 to be true paraphrases).
 * 5% measured is about 1% real.
 */
const MAX_EASY_FALSE_HITS = 0.05;
const OPERATING_POINTS = [0.01, 0.02, 0.05, 0.1];
const MAX_HARD_FALSE_HITS = 0.02;
const KUBERNETES = ['What is Kubernetes', 'Kubernetes what is it anyway'] as const;
/** The issue's floor for the default local setup on the outside validation part: recall >= 0.7 at this rate. */
const MAX_OUTSIDE_FALSE_HITS = 0.05;
/** Skips the project's own sets, for a rerun of the outside pairs alone. */
const outsideOnly = process.argv.includes('--outside-only');
/** Pairs per source and part: all by default, 600 in quick mode, `--outside-per-part=N` in between. */
const OUTSIDE_PER_PART = Number(process.argv.find((a) => a.startsWith('--outside-per-part='))?.split('=')[1] ?? (quick ? 600 : Infinity));

const set = loadParaphrases(quick ? { limitPerFile: 400 } : {});
const hard = loadHardNegatives('hard-negatives.json');
const holdoutFile = 'hard-negatives-holdout.json';
const holdout = existsSync(join(BENCH_DATA, holdoutFile)) ? loadHardNegatives(holdoutFile) : null;
/** Written after every guard rule was frozen; set 1 has since shaped the affix-negation and particle rules. */
const holdout2File = 'hard-negatives-holdout-2.json';
const holdout2 = existsSync(join(BENCH_DATA, holdout2File)) ? loadHardNegatives(holdout2File) : null;

async function embedders(): Promise<{ name: string; embedder: Embedder; loadMs: number }[]> {
  const t0 = performance.now();
  const builtin = new BuiltinHashedEmbedder({ dimensions: 256 });
  const builtinMs = performance.now() - t0;
  const t1 = performance.now();
  const glove = new GloveSifEmbedder(ensureWordVectors());
  glove.fitCommonComponent(set.unlabelled);
  const gloveMs = performance.now() - t1;
  const all = [
    { name: 'builtin-256', embedder: builtin as Embedder, loadMs: builtinMs },
    { name: 'glove-sif', embedder: glove, loadMs: gloveMs },
    {
      name: '0.3 glove-sif + 0.7 builtin',
      embedder: new WeightedConcatEmbedder([{ embedder: glove, weight: 0.3 }, { embedder: builtin, weight: 0.7 }]),
      loadMs: builtinMs + gloveMs,
    },
  ];
  for (const name of Object.keys(MODEL_CATALOG)) {
    if (!existsSync(join(modelsRoot(), name, MANIFEST_FILE))) {
      console.log(`(${name} is not installed: npm run model:install ${name})\n`);
      continue;
    }
    const t2 = performance.now();
    all.push({ name, embedder: await OnnxLocalEmbedder.load({ model: name }), loadMs: performance.now() - t2 });
  }
  return only ? all.filter((e) => only.some((o) => e.name.startsWith(o))) : all;
}

/** Best recall with the guard on while easy and hard false hits stay within budget. */
function chooseThreshold(o: Outcomes, ceiling: number): Metrics | null {
  let best: Metrics | null = null;
  for (const t of FINE_THRESHOLDS) {
    if (t > ceiling + 1e-9) break;
    const m = metricsAt(o, t, true);
    if (m.easyFalseHitRate > MAX_EASY_FALSE_HITS || m.hardFalseHitRate > MAX_HARD_FALSE_HITS) continue;
    if (!best || m.recall > best.recall) best = m;
  }
  return best;
}

async function cosine(e: Embedder, a: string, b: string): Promise<number> {
  const [x, y] = await e.embed([a, b]);
  let s = 0;
  for (let i = 0; i < x!.length; i++) s += x![i]! * y![i]!;
  return s;
}

console.log(`# Hit quality${quick ? ' (quick)' : ''}\n`);
console.log(`stored ${set.stored.length}, true-hit queries ${set.positives.length}, easy negatives ${set.easyNegatives.length}, ` +
  `hard negatives ${hard.length}${holdout ? `, held-out hard negatives ${holdout.length}` : ''}` +
  `${holdout2 ? `, held-out set 2 ${holdout2.length}` : ''}\n`);
const summary: string[][] = [];
const operating: string[][] = [];
const outside: string[][] = [];
const outsideBySource: string[][] = [];
const outsidePairs = quickSlice(loadOutsidePairs());
const fit = outsidePairs.filter((p) => p.part !== 'validation');
const validation = outsidePairs.filter((p) => p.part === 'validation');

/** The first pairs of each source and part, in file order: the same slice on every run. */
function quickSlice(pairs: OutsidePair[]): OutsidePair[] {
  if (!Number.isFinite(OUTSIDE_PER_PART)) return pairs;
  const seen = new Map<string, number>();
  return pairs.filter((p) => {
    const k = `${p.source}/${p.part}`;
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    return n < OUTSIDE_PER_PART;
  });
}

function outsideRow(name: string, def: number, chosen: number | null, fitScored: ScoredPair[], valScored: ScoredPair[]): string[] {
  const t = chosen ?? def;
  const g = outsideMetrics(valScored, t, true);
  const p = outsideMetrics(valScored, t, false);
  const d = outsideMetrics(valScored, def, true);
  const f = outsideMetrics(fitScored, t, true);
  return [name, def.toFixed(2), chosen === null ? 'none' : chosen.toFixed(2), pct(f.recall), pct(f.falseHitRate),
    pct(p.recall), pct(p.falseHitRate), pct(g.recall), pct(g.falseHitRate), pct(g.precision),
    `${pct(d.recall)} / ${pct(d.falseHitRate)}`];
}

const list = await embedders();
for (const { name, embedder, loadMs } of list) {
  const kubernetes = await cosine(embedder, ...KUBERNETES);
  if (!outsideOnly) {
    const o = await measure(embedder, set, hard);
    const h = holdout ? await measureHard(embedder, holdout) : null;
    const h2 = holdout2 ? await measureHard(embedder, holdout2) : null;
    const plain = TABLE_THRESHOLDS.map((t) => metricsAt(o, t, false));
    const guarded = TABLE_THRESHOLDS.map((t) => metricsAt(o, t, true));
    console.log(`## ${name} (${embedder.identity.dimensions} dims, load ${loadMs.toFixed(0)} ms, ` +
      `embed ${o.embedMicrosPerPrompt.toFixed(1)} µs/prompt, guard ${o.guardMicrosPerPair.toFixed(1)} µs/pair)\n`);
    console.log(thresholdTable(plain, guarded, h && TABLE_THRESHOLDS.map((t) => hardFalseHitRate(h, t, false)),
      h && TABLE_THRESHOLDS.map((t) => hardFalseHitRate(h, t, true))));
    const chosen = chooseThreshold(o, kubernetes);
    const bestF1 = FINE_THRESHOLDS.map((t) => metricsAt(o, t, true)).reduce((a, b) => (b.f1 > a.f1 ? b : a));
    if (chosen) {
      const without = metricsAt(o, chosen.threshold, false);
      const leaks = [...hardLeaksByKind(o.hard, chosen.threshold, true)].map(([k, v]) => `${k} ${v.leaked}/${v.total}`);
      console.log(`\nchosen t=${chosen.threshold.toFixed(2)} (best guarded recall with easy FH ≤ 5%, hard FH ≤ 2%, ` +
        `Kubernetes pair ${kubernetes.toFixed(3)}): guard costs ${(100 * (without.recall - chosen.recall)).toFixed(1)} ` +
        `points of recall; hard leaks by kind: ${leaks.join(', ')}`);
      if (h) {
        const hl = [...hardLeaksByKind(h, chosen.threshold, true)].map(([k, v]) => `${k} ${v.leaked}/${v.total}`);
        console.log(`held-out leaks at t=${chosen.threshold.toFixed(2)}: ${hl.join(', ')}`);
      }
      if (h2) {
        const hl = [...hardLeaksByKind(h2, chosen.threshold, true)].map(([k, v]) => `${k} ${v.leaked}/${v.total}`);
        console.log(`held-out set 2 leaks at t=${chosen.threshold.toFixed(2)}: ${hl.join(', ')}`);
      }
    }
    console.log(`best guarded F1 at t=${bestF1.threshold.toFixed(2)}: F1 ${bestF1.f1.toFixed(3)}, recall ${pct(bestF1.recall)}, ` +
      `precision ${pct(bestF1.precision)}\n`);
    operating.push([name, ...OPERATING_POINTS.map((fh) => {
      const m = FINE_THRESHOLDS.map((t) => metricsAt(o, t, true)).filter((x) => x.easyFalseHitRate <= fh)
        .reduce<Metrics | null>((a, b) => (!a || b.recall > a.recall ? b : a), null);
      return m ? `${pct(m.recall)} @ ${m.threshold.toFixed(2)}` : '—';
    })]);
    const c = chosen ?? bestF1;
    const unguarded = metricsAt(o, c.threshold, false);
    summary.push([name, c.threshold.toFixed(2), pct(unguarded.recall), pct(c.recall), pct(c.precision),
      pct(c.easyFalseHitRate), pct(unguarded.hardFalseHitRate), pct(c.hardFalseHitRate),
      h ? pct(hardFalseHitRate(h, c.threshold, false)) : 'n/a', h ? pct(hardFalseHitRate(h, c.threshold, true)) : 'n/a',
      h2 ? pct(hardFalseHitRate(h2, c.threshold, false)) : 'n/a', h2 ? pct(hardFalseHitRate(h2, c.threshold, true)) : 'n/a',
      `${loadMs.toFixed(0)} ms`, `${o.embedMicrosPerPrompt.toFixed(1)} µs`]);
  }
  const fitScored = await scoreOutside(embedder, fit);
  const valScored = await scoreOutside(embedder, validation);
  const outsideChoice = chooseOutsideThreshold(fitScored, MAX_OUTSIDE_FALSE_HITS, FINE_THRESHOLDS.filter((t) => t <= kubernetes + 1e-9));
  outside.push(outsideRow(name, embedder.defaultThreshold, outsideChoice?.threshold ?? null, fitScored, valScored));
  for (const source of ['qqp', 'sick'] as const) {
    const t = outsideChoice?.threshold ?? embedder.defaultThreshold;
    const v = valScored.filter((s) => s.pair.source === source);
    const g = outsideMetrics(v, t, true);
    const p = outsideMetrics(v, t, false);
    outsideBySource.push([name, source, t.toFixed(2), String(g.same), String(g.different), pct(p.recall), pct(p.falseHitRate),
      pct(g.recall), pct(g.falseHitRate)]);
  }
}
if (!outsideOnly) {
  console.log('## Guarded recall at a given measured easy false-hit rate\n');
  console.log(markdownTable(['embedder', ...OPERATING_POINTS.map((fh) => `easy FH ≤ ${pct(fh)}`)], operating));
  console.log('\n## Summary at each embedder\'s chosen threshold (guard on; best guarded F1 where no threshold meets the budget)\n');
  console.log(markdownTable(['embedder', 't', 'recall (no guard)', 'recall', 'precision', 'easy FH', 'hard FH (no guard)', 'hard FH',
    'held-out 1 FH (no guard)', 'held-out 1 FH', 'held-out 2 FH (no guard)', 'held-out 2 FH',
    'load', 'embed'], summary));
}
console.log(`\n## Outside pairs (QQP + SICK): a alone in an empty namespace, queried with b\n`);
console.log(`threshold chosen on train+tune (${fit.length} pairs): best guarded recall with false hits ≤ ${pct(MAX_OUTSIDE_FALSE_HITS)} ` +
  `and the Kubernetes pair still a hit; reported on validation (${validation.length} pairs), never looked at when choosing\n`);
console.log(markdownTable(['embedder', 'default t', 'chosen t', 'train+tune recall (G)', 'train+tune FH (G)',
  'validation recall (no guard)', 'validation FH (no guard)', 'validation recall', 'validation FH', 'validation precision',
  'validation recall / FH at default t'], outside));
console.log('\n### Validation by source, at the chosen threshold\n');
console.log(markdownTable(['embedder', 'source', 't', 'same', 'different', 'recall (no guard)', 'FH (no guard)', 'recall', 'FH'], outsideBySource));
for (const { embedder } of list) await embedder.close?.();
