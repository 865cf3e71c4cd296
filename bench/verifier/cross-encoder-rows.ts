/**
 * A cross-encoder beside the learned verifier (`node bench/verifier-quality.ts --nli N` or `--cross-encoder [N]`):
 * on fixed samples of the tune and validation pairs (the NLI model reads about one pair a second on this busy
 * machine), settings chosen on tune, figures on validation, and the latency one lookup's verdict adds at
 * concurrency 1 and 16.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../../apps/extproc/src/embedders/embedder.ts';
import { DEFAULT_NLI_MODEL, modelsRoot } from '../../apps/extproc/src/embedders/model-catalog.ts';
import { CrossEncoderVerifier, DEFAULT_CROSS_ENCODER_DIR } from '../../apps/extproc/src/verifier/cross-encoder/cross-encoder-verifier.ts';
import { NliVerifier } from '../../apps/extproc/src/verifier/nli/nli-verifier.ts';
import { embedderName, PairClassifier } from '../../apps/extproc/src/verifier/pair-classifier.ts';
import { fileSha256, findStackedModel, stackedScore, type StackedModel } from '../../apps/extproc/src/verifier/stacked-verifier.ts';
import { scoreOf, type Verifier } from '../../apps/extproc/src/verifier/verifier.ts';
import { markdownTable } from '../lib/markdown-table.ts';
import type { OutsidePair } from '../quality/outside-split.ts';
import { bestSettings, quality, settingsForRecall, type PairRecord, type Quality } from './decision.ts';
import { embedPairs, guardAllows, pairKey } from './pair-data.ts';

/** Where the cross-encoders' scores are kept between runs (git-ignored): the NLI model reads about one pair a second. */
const CACHE_DIR = join(import.meta.dirname, '..', '.cache');

export const NLI_DIR = process.env.VERIFIER_NLI_MODEL_DIR ?? join(modelsRoot(), DEFAULT_NLI_MODEL);
export const CROSS_ENCODER_DIR = process.env.VERIFIER_CROSS_ENCODER_MODEL_DIR ?? DEFAULT_CROSS_ENCODER_DIR;
/** The lowest candidate threshold the settings grid tries: a pair below it is never served, so never scored. */
const LOWEST_CANDIDATE = 0.3;

/** Which cross-encoder the tables measure, and how. */
export interface CrossEncoderSpec {
  /** In the setups' names: "guard + NLI". */
  readonly short: string;
  /** The first line of the output. */
  readonly title: string;
  /** The scores' cache file in bench/.cache. */
  readonly cacheFile: string;
  readonly load: (threads: number) => Promise<Verifier>;
  /** Also measure every setup without the guard (pairs the guard refuses are scored too). */
  readonly withoutGuard: boolean;
  /** What one verdict runs, for the latency table's caption. */
  readonly perVerdict: string;
}

export const NLI_SPEC: CrossEncoderSpec = {
  short: 'NLI',
  title: `NLI cross-encoder (${DEFAULT_NLI_MODEL})`,
  cacheFile: `nli-scores-${DEFAULT_NLI_MODEL}.json`,
  load: (threads) => NliVerifier.load({ dir: NLI_DIR, threads, maxQueued: 1_000 }),
  withoutGuard: false,
  perVerdict: 'two directions',
};

/** Scores are cached by the model file's sha256: the lead replaces the development checkpoint in place. */
export function crossEncoderSpec(): CrossEncoderSpec {
  const sha = fileSha256(join(CROSS_ENCODER_DIR, 'onnx', 'model.onnx'));
  const manifest = JSON.parse(readFileSync(join(CROSS_ENCODER_DIR, 'semcache-model.json'), 'utf8')) as { name: string; symmetric: boolean };
  return {
    short: 'cross-encoder',
    title: `Duplicate-question cross-encoder (${manifest.name}, model.onnx sha256 ${sha.slice(0, 12)})`,
    cacheFile: `cross-encoder-scores-${sha}.json`,
    load: (threads) => CrossEncoderVerifier.load({ dir: CROSS_ENCODER_DIR, threads, maxQueued: 1_000 }),
    withoutGuard: true,
    perVerdict: manifest.symmetric ? 'both orders' : 'one order',
  };
}

interface Scored { readonly record: PairRecord; readonly learned: number; readonly model: number }

/** Runs `fn` over the items with `concurrency` in flight. */
async function pool<T, R>(items: readonly T[], concurrency: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

export async function modelScores(spec: CrossEncoderSpec, v: Verifier, pairs: readonly OutsidePair[], sims: readonly number[]): Promise<number[]> {
  const file = join(CACHE_DIR, spec.cacheFile);
  const cached: Record<string, number> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const todo = pairs.filter((p, i) => sims[i]! >= LOWEST_CANDIDATE && (spec.withoutGuard || guardAllows(p)) && cached[pairKey(p)] === undefined);
  for (let c = 0; c < todo.length; c += 200) {
    const chunk = todo.slice(c, c + 200);
    const scores = await pool(chunk, 16, async (p) => scoreOf(await v.score({ query: p.b, candidate: p.a, similarity: 1 })));
    chunk.forEach((p, i) => { cached[pairKey(p)] = scores[i]!; });
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(file, JSON.stringify(cached));
    process.stderr.write(`${spec.short}: ${Math.min(c + 200, todo.length)}/${todo.length} pairs scored\n`);
  }
  return pairs.map((p) => cached[pairKey(p)] ?? 0);
}

async function scored(spec: CrossEncoderSpec, embedder: Embedder, v: Verifier, pairs: readonly OutsidePair[]): Promise<Scored[]> {
  const embedded = await embedPairs(embedder, pairs);
  const learned = PairClassifier.forEmbedder(embedder.identity);
  const model = await modelScores(spec, v, pairs, embedded.map((e) => e.similarity));
  return embedded.map(({ pair: p, similarity, vectors: [queryVector, candidateVector] }, i) => {
    const record = { same: p.same, similarity, guardOk: guardAllows(p), score: 1 };
    return { record, learned: learned.score({ query: p.b, candidate: p.a, similarity, queryVector, candidateVector }), model: model[i]! };
  });
}

/** Verdict latency per lookup, µs: `n` lookups with `concurrency` in flight. */
async function latency(v: Verifier, pairs: readonly OutsidePair[], concurrency: number): Promise<[number, number]> {
  const micros = await pool(pairs, concurrency, async (p) => {
    const t0 = performance.now();
    await v.score({ query: p.b, candidate: p.a, similarity: 1 });
    return (performance.now() - t0) * 1000;
  });
  const s = micros.sort((x, y) => x - y);
  return [s[Math.floor(0.5 * s.length)]!, s[Math.min(s.length - 1, Math.floor(0.99 * s.length))]!];
}

interface Setup { readonly name: string; readonly verifier: boolean; readonly guard: boolean; readonly score: (s: Scored) => number }

const stackedName = (m: StackedModel) => `stacked (learned ≥ ${m.gate.toFixed(2)}, then both combined)`;
const stackedOf = (m: StackedModel) => (s: Scored) => (s.learned < m.gate ? 0 : stackedScore(m, s.model, s.learned, s.record.similarity));

function setupsFor(spec: CrossEncoderSpec, learnedCut: number, stacked: StackedModel | null): Setup[] {
  const chain = `learned (≥ ${learnedCut.toFixed(2)}) then ${spec.short}`;
  const setups: Setup[] = [
    { name: 'guard only (threshold alone)', verifier: false, guard: true, score: () => 1 },
    { name: 'guard + learned', verifier: true, guard: true, score: (s) => s.learned },
    { name: `guard + ${spec.short}`, verifier: true, guard: true, score: (s) => s.model },
    { name: `guard + ${chain}`, verifier: true, guard: true, score: (s) => (s.learned >= learnedCut ? s.model : 0) },
    ...(stacked ? [{ name: `guard + ${stackedName(stacked)}`, verifier: true, guard: true, score: stackedOf(stacked) }] : []),
  ];
  if (!spec.withoutGuard) return setups;
  // The learned verifier was fitted on pairs past the guard only: without it, it judges pairs it never saw.
  return [...setups, ...setups.map((s) => ({ ...s, guard: false, name: s.guard && !s.verifier ? 'no guard (threshold alone)' : `no guard, ${s.name.replace('guard + ', '')}` }))];
}

const TARGETS: { label: string; choose: (rs: PairRecord[], verifier: boolean) => Quality; reached: (q: Quality) => boolean }[] = [
  { label: 'false-hit rate ≤ 0.015 (the default rule)', choose: (rs, verifier) => bestSettings(rs, 0.015, { verifier }), reached: (q) => q.falseHitRate <= 0.015 },
  { label: 'false-hit rate ≤ 0.02', choose: (rs, verifier) => bestSettings(rs, 0.02, { verifier }), reached: (q) => q.falseHitRate <= 0.02 },
  { label: 'recall ≥ 0.7', choose: (rs, verifier) => settingsForRecall(rs, 0.7, { verifier }), reached: (q) => q.recall >= 0.7 },
];

export async function crossEncoderTables(spec: CrossEncoderSpec, embedder: Embedder, tunePairs: readonly OutsidePair[], validPairs: readonly OutsidePair[]): Promise<string> {
  // Two threads for the quality figures, to finish sooner; the latency below is the default single thread's.
  const fast = await spec.load(2);
  const tune = await scored(spec, embedder, fast, tunePairs);
  const valid = await scored(spec, embedder, fast, validPairs);
  await fast.close?.();
  const learnedCut = PairClassifier.forEmbedder(embedder.identity).tuned?.verifierThreshold ?? 0.5;
  const stacked = spec.short === 'cross-encoder' ? findStackedModel(embedderName(embedder.identity), CROSS_ENCODER_DIR) : null;
  const rows: string[][] = [];
  if (stacked) {
    // Fitted on tune (its thresholds out of fold there), so its own thresholds are the honest point to report.
    const { candidateThreshold: t, verifierThreshold: v } = stacked.tuned;
    const q = quality(valid.map((s) => ({ ...s.record, score: stackedOf(stacked)(s) })), t, v);
    rows.push([`guard + ${stackedName(stacked)}, as shipped`, 'its thresholds (out of fold on tune)', t.toFixed(2), v.toFixed(2), q.recall.toFixed(3), q.precision.toFixed(3), q.falseHitRate.toFixed(4)]);
  }
  for (const setup of setupsFor(spec, learnedCut, stacked)) {
    const records = (xs: Scored[]) => xs.map((s) => ({ ...s.record, guardOk: s.record.guardOk || !setup.guard, score: setup.score(s) }));
    for (const target of TARGETS) {
      const chosen = target.choose(records(tune), setup.verifier);
      // The grid starts at 0.3: a threshold of 0 is the choosers' answer when no setting reaches the target.
      if (chosen.threshold === 0 || !target.reached(chosen)) {
        rows.push([setup.name, target.label, 'not reached on tune', '', '', '', '']);
        continue;
      }
      const q = quality(records(valid), chosen.threshold, chosen.verifierThreshold);
      rows.push([setup.name, target.label, chosen.threshold.toFixed(2), setup.verifier ? chosen.verifierThreshold.toFixed(2) : '',
        q.recall.toFixed(3), q.precision.toFixed(3), q.falseHitRate.toFixed(4)]);
    }
  }
  const v = await spec.load(1);
  const sample = validPairs.slice(0, 48);
  await latency(v, sample.slice(0, 4), 1);
  const [c1, c16] = [await latency(v, sample, 1), await latency(v, sample, 16)];
  await v.close?.();
  const ms = (us: number) => (us / 1000).toFixed(us < 10_000 ? 1 : 0);
  const positives = (xs: readonly OutsidePair[]) => xs.filter((p) => p.same).length;
  return [
    `${spec.title} with ${embedder.identity.provider}/${embedder.identity.model}: tune ${tunePairs.length} pairs ` +
      `(${positives(tunePairs)} positives), validation ${validPairs.length} (${positives(validPairs)} positives); a sample of N is the first N by a hash of the pair\n`,
    markdownTable(['setup', 'target on tune', 'candidate threshold', 'verifier threshold', 'recall', 'precision', 'false-hit rate'], rows, [2, 3, 4, 5, 6]),
    `\n${spec.short} verdict latency per lookup (${spec.perVerdict}, one thread, ${sample.length} validation lookups; the learned verifier's is in the first table)\n`,
    markdownTable(['concurrency', 'p50 ms', 'p99 ms'], [['1', ms(c1[0]), ms(c1[1])], ['16', ms(c16[0]), ms(c16[1])]], [1, 2]),
  ].join('\n');
}
