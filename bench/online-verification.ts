/**
 * Online verification against static thresholds on a labelled stream (the outside pairs: each pair asks `b`
 * while `a` is cached, the label standing for the model's answer). The policy's parameters are chosen on the
 * `tune` part; the tables and the plot are from the `validation` part. Built-in embedder (no model needed,
 * deterministic). Error rate: wrong cached answers per request, the quantity δ bounds.
 *
 *   node bench/online-verification.ts           # tune, then validation; writes docs/online-verification.{md,png}
 *   node bench/online-verification.ts --quick   # 1,500 pairs of each part, no files written (CI smoke)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbedderConfigSchema, type NamespaceSettings } from '@semcache/shared';
import { createEmbedder } from '../apps/extproc/src/embedders/create-embedder.ts';
import { DEFAULT_BOUNDARY_PARAMS, type BoundaryParams } from '../apps/extproc/src/online/boundary.ts';
import { OnlinePolicy, seededRandom } from '../apps/extproc/src/online/online-policy.ts';
import { markdownTable } from './lib/markdown-table.ts';
import { labelledStream, type StreamRequest } from './online/labelled-stream.ts';
import { renderPng, type Panel } from './online/plot.ts';
import { simulate, type SimResult } from './online/simulate.ts';
import { loadOutsidePairs, type OutsidePart } from './quality/outside-split.ts';
import { samplePairs } from './verifier/pair-data.ts';

const quick = process.argv.includes('--quick');
const DOCS = join(import.meta.dirname, '..', 'docs');
const BOUNDS = [0.01, 0.02, 0.05] as const;
const SEED = 1;
const embedder = await createEmbedder(EmbedderConfigSchema.parse({ provider: 'builtin' }));
const T0 = embedder.defaultThreshold;

const perRequestError = (r: SimResult): number => r.wrong / r.requests;
const pct = (v: number, digits = 2): string => `${(v * 100).toFixed(digits)}%`;

async function streamOf(part: OutsidePart): Promise<StreamRequest[]> {
  return labelledStream(samplePairs(loadOutsidePairs({ parts: [part] }), quick ? 1500 : undefined), embedder, SEED);
}

function settings(errorBound: number): NamespaceSettings {
  return {
    threshold: T0, ttlSeconds: 3600, maxEntries: 10_000, enabled: true, guard: true, clientControls: 'read-only', maxTtlSeconds: 86_400,
    online: true, errorBound, maxExploreRate: 0.1,
  };
}

const online = (stream: readonly StreamRequest[], errorBound: number, params: BoundaryParams): SimResult =>
  simulate(stream, { kind: 'online', threshold: T0, settings: settings(errorBound), policy: new OnlinePolicy({ random: seededRandom(SEED), params }) });

const THRESHOLDS = Array.from({ length: 61 }, (_, i) => Math.round((0.7 + i * 0.005) * 1000) / 1000);
const staticSweep = (stream: readonly StreamRequest[]) =>
  THRESHOLDS.map((threshold) => ({ threshold, result: simulate(stream, { kind: 'static', threshold }) }));

/** The static threshold with the most hits whose error rate stays within `error`. */
function bestStatic(sweep: ReturnType<typeof staticSweep>, error: number) {
  let best: (typeof sweep)[number] | null = null;
  for (const s of sweep) if (perRequestError(s.result) <= error && (!best || s.result.hits > best.result.hits)) best = s;
  return best;
}

// ---- tune: the prior's width, the floor and the entry slope, for the most hits within δ = 2% ----
const tune = await streamOf('tune');
const grid: BoundaryParams[] = [];
for (const slope of [40, 150]) for (const priorSd of [0.01, 0.03]) for (const floorMargin of [0.06, 0.1, 0.15]) {
  grid.push({ ...DEFAULT_BOUNDARY_PARAMS, slope, priorSd, floorMargin });
}
let chosen = DEFAULT_BOUNDARY_PARAMS;
let chosenHits = -1;
for (const params of grid) {
  const r = online(tune, 0.02, params);
  if (perRequestError(r) <= 0.02 && r.hits > chosenHits) {
    chosen = params;
    chosenHits = r.hits;
  }
}

// ---- validation ----
const validation = await streamOf('validation');
const sweep = staticSweep(validation);
const rows: string[][] = [];
const runs = BOUNDS.map((delta) => ({ delta, result: online(validation, delta, chosen) }));
for (const { delta, result } of runs) {
  const best = bestStatic(sweep, perRequestError(result));
  const bestAtDelta = bestStatic(sweep, delta);
  rows.push([
    pct(delta, 0), pct(result.hitRate), pct(perRequestError(result)), pct(result.errorRate, 1), pct(result.explored / result.requests),
    best ? best.threshold.toFixed(3) : 'none', best ? pct(best.result.hitRate) : '0.00%',
    bestAtDelta ? `${bestAtDelta.threshold.toFixed(3)}: ${pct(bestAtDelta.result.hitRate)}` : 'none',
  ]);
}
const staticRows = sweep.filter((s) => Math.round(s.threshold * 1000) % 20 === 0).map((s) => [
  s.threshold.toFixed(2), pct(s.result.hitRate), pct(perRequestError(s.result)), pct(s.result.errorRate, 1),
]);
const overTime = runs.find((r) => r.delta === 0.02)!.result;
const staticAt = bestStatic(sweep, 0.02);
const checkpoints = [0.1, 0.25, 0.5, 0.75, 1].map((f) => Math.max(0, Math.round(f * overTime.series.length) - 1));
const timeRows = checkpoints.map((i) => {
  const o = overTime.series[i]!;
  const s = staticAt?.result.series[i];
  const wrongPerRequest = (p: { hitRate: number; errorRate: number }) => p.hitRate * p.errorRate;
  return [String(o.requests), pct(o.hitRate), pct(wrongPerRequest(o)), s ? pct(s.hitRate) : '-', s ? pct(wrongPerRequest(s)) : '-'];
});

const table = [
  `Online verification vs static thresholds: ${validation.length} validation requests (built-in embedder, guard on, threshold ${T0} as the start,`,
  `maxExploreRate 10%, seed ${SEED}); parameters chosen on ${tune.length} tune requests: slope ${chosen.slope}, priorSd ${chosen.priorSd},`,
  `floorMargin ${chosen.floorMargin}, confidence ${chosen.confidence}, auditRate ${chosen.auditRate}.`,
  '',
  markdownTable(
    ['δ', 'hit rate', 'error rate (wrong / requests)', 'wrong / served', 'would-be hits checked / requests', 'best static at the same error', 'its hit rate', 'best static at error ≤ δ'],
    rows, [1, 2, 3, 4, 6],
  ),
  '',
  markdownTable(['static threshold', 'hit rate', 'error rate (wrong / requests)', 'wrong / served'], staticRows, [1, 2, 3]),
  '',
  `Over time, δ = 2% against the best static threshold at error ≤ 2% (${staticAt ? staticAt.threshold.toFixed(2) : 'none'}), cumulative:`,
  '',
  markdownTable(['requests', 'online hit rate', 'online error rate', 'static hit rate', 'static error rate'], timeRows, [0, 1, 2, 3, 4]),
].join('\n');
console.log(table);

if (!quick) {
  const method = [
    'Method: the outside pairs (`bench/quality/outside-split.ts`) as a stream in a seeded order; each pair asks its `b` while its `a`',
    'is cached, and the label stands for the model\'s answer (same or not). A prompt in several pairs is one entry, so its findings',
    'accumulate. Each policy runs on the same stream with the false-hit guard; the static thresholds are swept in 0.005 steps.',
    'Error rate: wrong cached answers per request (what δ bounds); "wrong / served" is the share of served answers that were wrong.',
    'The parameters (entry slope, prior width, floor) were chosen on the tune part for the most hits within δ = 2%, the numbers',
    'are from the validation part. Built-in embedder: deterministic, and fast enough for every pair (no cached vectors used).',
  ].join('\n');
  writeFileSync(join(DOCS, 'online-verification.md'),
    `# Online verification: measured\n\n\`npm run bench:online\` (${new Date().toISOString().slice(0, 10)}).\n\n${method}\n\n${table}\n\n![hit rate against error rate, and over time](online-verification.png)\n`);
  const colors = ['#1f77b4', '#d62728', '#2ca02c'];
  const panels: Panel[] = [
    {
      title: 'Hit rate against error rate (validation)', xLabel: 'error rate (wrong cached answers / requests)', yLabel: 'hit rate',
      xPercent: true, yPercent: true, legend: { x: 0.05, y: 0.02 },
      series: [
        {
          name: 'static thresholds (0.005 steps)', color: '#888', line: true,
          points: sweep.filter((s) => perRequestError(s.result) <= 0.03).map((s) => ({ x: perRequestError(s.result), y: s.result.hitRate })),
        },
        ...runs.map((r, i) => ({ name: `online, δ = ${pct(r.delta, 0)}`, color: colors[i]!, line: false, points: [{ x: perRequestError(r.result), y: r.result.hitRate }] })),
      ],
    },
    {
      title: 'Over time: δ = 2% vs the best static threshold within 2%', xLabel: 'requests', yLabel: 'cumulative rate', xPercent: false, yPercent: true, legend: { x: 0.5, y: 0.3 },
      series: [
        { name: 'online hit rate', color: colors[1]!, line: true, points: overTime.series.map((p) => ({ x: p.requests, y: p.hitRate })) },
        { name: 'online error rate', color: colors[1]!, line: true, dashed: true, points: overTime.series.map((p) => ({ x: p.requests, y: p.hitRate * p.errorRate })) },
        ...(staticAt ? [
          { name: `static ${staticAt.threshold.toFixed(2)} hit rate`, color: '#555', line: true, points: staticAt.result.series.map((p) => ({ x: p.requests, y: p.hitRate })) },
          { name: `static ${staticAt.threshold.toFixed(2)} error rate`, color: '#555', line: true, dashed: true, points: staticAt.result.series.map((p) => ({ x: p.requests, y: p.hitRate * p.errorRate })) },
        ] : []),
      ],
    },
  ];
  await renderPng(panels, join(DOCS, 'online-verification.png'));
}
