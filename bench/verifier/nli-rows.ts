/**
 * The NLI cross-encoder beside the learned verifier (`node bench/verifier-quality.ts --nli N`): on fixed samples
 * of the tune and validation pairs (the model reads about one pair a second on this busy machine), settings chosen on
 * tune, figures on validation, and the latency one lookup's verdict adds at concurrency 1 and 16.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../../apps/extproc/src/embedders/embedder.ts';
import { DEFAULT_NLI_MODEL, modelsRoot } from '../../apps/extproc/src/embedders/model-catalog.ts';
import { NliVerifier } from '../../apps/extproc/src/verifier/nli/nli-verifier.ts';
import { PairClassifier } from '../../apps/extproc/src/verifier/pair-classifier.ts';
import { markdownTable } from '../lib/markdown-table.ts';
import type { OutsidePair } from '../quality/outside-split.ts';
import { bestSettings, quality, settingsForRecall, type PairRecord, type Quality } from './decision.ts';
import { embedPairs, guardAllows, pairKey } from './pair-data.ts';

/** Where the cross-encoder's scores are kept between runs (git-ignored): it reads about one pair a second. */
const CACHE_DIR = join(import.meta.dirname, '..', '.cache');

export const NLI_DIR = process.env.VERIFIER_NLI_MODEL_DIR ?? join(modelsRoot(), DEFAULT_NLI_MODEL);
/** The lowest candidate threshold the settings grid tries: a pair below it is never served, so never scored. */
const LOWEST_CANDIDATE = 0.3;

interface Scored { readonly record: PairRecord; readonly learned: number; readonly nli: number }

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

async function nliScores(v: NliVerifier, pairs: readonly OutsidePair[], sims: readonly number[]): Promise<number[]> {
  const file = join(CACHE_DIR, `nli-scores-${DEFAULT_NLI_MODEL}.json`);
  const cached: Record<string, number> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const todo = pairs.filter((p, i) => sims[i]! >= LOWEST_CANDIDATE && guardAllows(p) && cached[pairKey(p)] === undefined);
  for (let c = 0; c < todo.length; c += 200) {
    const chunk = todo.slice(c, c + 200);
    const scores = await pool(chunk, 16, (p) => v.score({ query: p.b, candidate: p.a, similarity: 1 }));
    chunk.forEach((p, i) => { cached[pairKey(p)] = scores[i]!; });
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(file, JSON.stringify(cached));
    process.stderr.write(`nli: ${Math.min(c + 200, todo.length)}/${todo.length} pairs scored\n`);
  }
  return pairs.map((p) => cached[pairKey(p)] ?? 0);
}

async function scored(embedder: Embedder, v: NliVerifier, pairs: readonly OutsidePair[]): Promise<Scored[]> {
  const embedded = await embedPairs(embedder, pairs);
  const learned = PairClassifier.forEmbedder(embedder.identity);
  const nli = await nliScores(v, pairs, embedded.map((e) => e.similarity));
  return embedded.map(({ pair: p, similarity, vectors: [queryVector, candidateVector] }, i) => {
    const record = { same: p.same, similarity, guardOk: guardAllows(p), score: 1 };
    return { record, learned: learned.score({ query: p.b, candidate: p.a, similarity, queryVector, candidateVector }), nli: nli[i]! };
  });
}

/** Verdict latency per lookup, µs: `n` lookups with `concurrency` in flight. */
async function latency(v: NliVerifier, pairs: readonly OutsidePair[], concurrency: number): Promise<[number, number]> {
  const micros = await pool(pairs, concurrency, async (p) => {
    const t0 = performance.now();
    await v.score({ query: p.b, candidate: p.a, similarity: 1 });
    return (performance.now() - t0) * 1000;
  });
  const s = micros.sort((x, y) => x - y);
  return [s[Math.floor(0.5 * s.length)]!, s[Math.min(s.length - 1, Math.floor(0.99 * s.length))]!];
}

export async function nliTables(embedder: Embedder, tunePairs: readonly OutsidePair[], validPairs: readonly OutsidePair[]): Promise<string> {
  // Two threads for the quality figures, to finish sooner; the latency below is the default single thread's.
  const fast = await NliVerifier.load({ dir: NLI_DIR, threads: 2, maxQueued: 1_000 });
  const tune = await scored(embedder, fast, tunePairs);
  const valid = await scored(embedder, fast, validPairs);
  await fast.close();
  const learnedTuned = PairClassifier.forEmbedder(embedder.identity).tuned;
  const learnedCut = learnedTuned?.verifierThreshold ?? 0.5;
  const setups: { name: string; verifier: boolean; score: (s: Scored) => number }[] = [
    { name: 'guard only (threshold alone)', verifier: false, score: () => 1 },
    { name: 'guard + learned', verifier: true, score: (s) => s.learned },
    { name: 'guard + NLI', verifier: true, score: (s) => s.nli },
    { name: `guard + learned (≥ ${learnedCut.toFixed(2)}) then NLI`, verifier: true, score: (s) => (s.learned >= learnedCut ? s.nli : 0) },
  ];
  const targets: { label: string; choose: (rs: PairRecord[], verifier: boolean) => Quality; reached: (q: Quality) => boolean }[] = [
    { label: 'false-hit rate ≤ 0.015 (the default rule)', choose: (rs, verifier) => bestSettings(rs, 0.015, { verifier }), reached: (q) => q.falseHitRate <= 0.015 },
    { label: 'false-hit rate ≤ 0.02', choose: (rs, verifier) => bestSettings(rs, 0.02, { verifier }), reached: (q) => q.falseHitRate <= 0.02 },
    { label: 'recall ≥ 0.7', choose: (rs, verifier) => settingsForRecall(rs, 0.7, { verifier }), reached: (q) => q.recall >= 0.7 },
  ];
  const rows: string[][] = [];
  for (const setup of setups) {
    const records = (xs: Scored[]) => xs.map((s) => ({ ...s.record, score: setup.score(s) }));
    for (const target of targets) {
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
  const v = await NliVerifier.load({ dir: NLI_DIR, maxQueued: 1_000 });
  const sample = validPairs.slice(0, 48);
  await latency(v, sample.slice(0, 4), 1);
  const [c1, c16] = [await latency(v, sample, 1), await latency(v, sample, 16)];
  await v.close();
  const ms = (us: number) => (us / 1000).toFixed(0);
  const positives = (xs: readonly OutsidePair[]) => xs.filter((p) => p.same).length;
  return [
    `NLI cross-encoder (${DEFAULT_NLI_MODEL}) with ${embedder.identity.provider}/${embedder.identity.model}: tune sample ${tunePairs.length} pairs ` +
      `(${positives(tunePairs)} positives), validation sample ${validPairs.length} (${positives(validPairs)} positives), the first by a hash of the pair\n`,
    markdownTable(['setup', 'target on tune', 'candidate threshold', 'verifier threshold', 'recall', 'precision', 'false-hit rate'], rows, [2, 3, 4, 5, 6]),
    `\nNLI verdict latency per lookup (two directions, one thread, ${sample.length} validation lookups; the learned verifier's is in the first table)\n`,
    markdownTable(['concurrency', 'p50 ms', 'p99 ms'], [['1', ms(c1[0]), ms(c1[1])], ['16', ms(c16[0]), ms(c16[1])]], [1, 2]),
  ].join('\n');
}
