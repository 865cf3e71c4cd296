/**
 * Index scale: lookup latency, memory per entry and recall@1 of the usearch index the cache uses
 * (apps/extproc/src/cache/vector-index.ts) at each precision (f32, f16, i8, b1) against an exact search over the
 * same vectors, at 10k and 100k entries of 384 dimensions (1M with --1m), on three kinds of data:
 * - embedding-like: topics in a low-dimensional latent space, as sentence embeddings are;
 * - MiniLM prompts: real all-MiniLM-L6-v2 embeddings of real prompts (bench/lib/prompt-embeddings.ts, 20k or --real-prompts),
 *   and beyond those synthetic neighbours made of them (see `realPlus`); queries are real embeddings of held-out
 *   real prompts, so the index is real where the queries land and denser than any real 40k set around them;
 * - uniform random unit vectors (no structure at all: an approximate index's worst case, a stress test; up to
 *   100k).
 * Query sets: fresh (not stored) and near (what a hit looks like: cosine 0.9 to a stored vector, or for the
 * real prompts, a prompt whose labelled paraphrase is stored). Lookups run at concurrency 1 and 16: the server
 * searches on its one event loop, so at 16 a lookup also waits for the ones ahead of it.
 * The index is built with `addMany` on `--threads` threads (2); the engine adds one entry at a time.
 * Each row is also written to stderr as JSON when it is measured, so a long run that is stopped keeps its rows.
 *   node --expose-gc bench/index-scale.ts [--quick] [--1m] [--sizes=100000,1000000] [--queries=500] [--precisions=f32,f16,i8,b1]
 *     [--data=embedding-like,minilm,uniform] [--threads=2] [--real-prompts=20000]
 */
import { performance } from 'node:perf_hooks';
import type { NamespaceSettings } from '@semcache/shared';
import { Namespace } from '../apps/extproc/src/cache/namespace.ts';
import { packText } from '../apps/extproc/src/cache/packed-text.ts';
import { BYTES_PER_VALUE, steersOnly, VectorIndex, type IndexPrecision } from '../apps/extproc/src/cache/vector-index.ts';
import { BruteForceIndex } from './lib/brute-force.ts';
import { CONCURRENCY, exactTop1, K, recallAt1, searchConcurrently, searchEach } from './lib/index-search.ts';
import { quantile } from './lib/load.ts';
import { markdownTable } from './lib/markdown-table.ts';
import { promptVectors, type PromptVectors } from './lib/prompt-embeddings.ts';
import { embeddingLike, gaussian, nearby, normalize, randomUnit, seededRandom } from './lib/random-vectors.ts';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = args.includes('--quick');
const DIMENSIONS = 384;
const sizes = quick ? [2_000]
  : arg('sizes') ? arg('sizes')!.split(',').map(Number)
  : [10_000, 100_000, ...(args.includes('--1m') ? [1_000_000] : [])];
const queries = Number(arg('queries') ?? (quick ? 100 : 500));
const precisions = (arg('precisions') ?? 'f32,f16,i8,b1').split(',') as IndexPrecision[];
const threads = Number(arg('threads') ?? 2);
const PARAPHRASE_SIMILARITY = 0.9;
/** The exact scan's timing is only for comparison: a few queries are enough, and at 1M each takes ~0.3 s. */
const SCAN_TIMED = 20;
const REAL_PROMPTS = Number(arg('real-prompts') ?? 20_000);

type Data = 'embedding-like' | 'MiniLM prompts' | 'uniform random';
const DATA_ARG: Record<string, Data> = { 'embedding-like': 'embedding-like', minilm: 'MiniLM prompts', uniform: 'uniform random' };
const data = (arg('data') ?? (quick ? 'embedding-like,uniform' : 'embedding-like,minilm,uniform')).split(',').map((d) => DATA_ARG[d]!);
/** Uniform random is a stress test only: at 1M it would take an hour to build for no new insight. */
const MAX_UNIFORM = 100_000;

interface DataSet {
  stored: Float32Array;
  fresh: Float32Array;
  near: Float32Array;
  /** What the stored rows are made of, for the notes under the table. */
  note: string;
}

function rows(list: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(list.length * DIMENSIONS);
  list.forEach((v, i) => out.set(v, i * DIMENSIONS));
  return out;
}

function synthetic(kind: Data, size: number): DataSet {
  const normal = gaussian(seededRandom(size));
  const draw = kind === 'uniform random' ? () => randomUnit(DIMENSIONS, normal) : embeddingLike(DIMENSIONS, normal);
  const stored = new Float32Array(size * DIMENSIONS);
  for (let i = 0; i < size; i++) stored.set(draw(), i * DIMENSIONS);
  const fresh = rows(Array.from({ length: queries }, draw));
  const near = rows(Array.from({ length: queries }, (_, i) => {
    const t = Math.floor((i * size) / queries);
    return nearby(stored.subarray(t * DIMENSIONS, (t + 1) * DIMENSIONS), PARAPHRASE_SIMILARITY, normal);
  }));
  return { stored, fresh, near, note: '' };
}

/**
 * Real embeddings, one in eight held out as queries; past the real ones, each stored row mixes a real vector
 * with up to two others (weights 0-0.7) and a little noise: it stays in the span real embeddings occupy, near
 * real prompts (cosine ~0.8-0.95 to its main one), as a larger cache of similar traffic would be.
 */
function realPlus(real: PromptVectors, size: number): DataSet {
  const n = real.prompts.length;
  const row = (i: number): Float32Array => real.vectors.subarray(i * DIMENSIONS, (i + 1) * DIMENSIONS);
  const heldOut = (i: number): boolean => i % 8 === 7;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (!heldOut(i)) keep.push(i);
  const random = seededRandom(size + 7);
  const normal = gaussian(random);
  const stored = new Float32Array(size * DIMENSIONS);
  const realStored = Math.min(size, keep.length);
  for (let i = 0; i < realStored; i++) stored.set(row(keep[i]!), i * DIMENSIONS);
  const mix = new Float32Array(DIMENSIONS);
  for (let i = realStored; i < size; i++) {
    const a = row(keep[Math.floor(random() * keep.length)]!);
    const b = row(keep[Math.floor(random() * keep.length)]!);
    const c = row(keep[Math.floor(random() * keep.length)]!);
    const wb = 0.7 * random();
    const wc = 0.7 * random();
    for (let d = 0; d < DIMENSIONS; d++) mix[d] = a[d]! + wb * b[d]! + wc * c[d]! + 0.02 * normal();
    stored.set(normalize(mix), i * DIMENSIONS);
  }
  const storedReal = new Set(keep.slice(0, realStored));
  const held = Array.from({ length: n }, (_, i) => i).filter(heldOut);
  const withParaphrase = held.filter((i) => storedReal.has(real.paraphraseOf[i]!));
  const fresh = rows(held.slice(0, queries).map(row));
  const near = rows(withParaphrase.slice(0, queries).map(row));
  return {
    stored, fresh, near,
    note: `${realStored.toLocaleString('en-US')} real + ${(size - realStored).toLocaleString('en-US')} mixed; ${fresh.length / DIMENSIONS} held-out real queries, ${near.length / DIMENSIONS} of them (near) with their paraphrase stored`,
  };
}

interface Result {
  data: Data;
  size: number;
  precision: IndexPrecision;
  /** An i8 index searched through a namespace, its candidates rescored against the entries' f16 rows. */
  rescored?: true;
  buildSeconds: number;
  rssPerEntry: number;
  c1: { p50: number; p99: number };
  c16: { p50: number; p99: number; perSecond: number };
  recallFresh: number;
  recallNear: number;
  scan: { p50: number; p99: number };
}

const count = (v: Float32Array): number => v.length / DIMENSIONS;
const rowOf = (v: Float32Array, i: number): Float32Array => v.subarray(i * DIMENSIONS, (i + 1) * DIMENSIONS);

function scanTimes(stored: Float32Array, q: Float32Array): Float64Array {
  const scan = new BruteForceIndex(DIMENSIONS, count(stored));
  for (let i = 0; i < count(stored); i++) scan.add(rowOf(stored, i));
  const micros = new Float64Array(Math.min(SCAN_TIMED, count(q)));
  for (let i = 0; i < micros.length; i++) {
    const t0 = performance.now();
    scan.nearest(rowOf(q, i));
    micros[i] = (performance.now() - t0) * 1000;
  }
  return micros.sort();
}

async function measure(kind: Data, size: number, set: DataSet): Promise<Result[]> {
  const truthFresh = exactTop1(set.stored, set.fresh, DIMENSIONS, threads);
  const truthNear = exactTop1(set.stored, set.near, DIMENSIONS, threads);
  const keys = BigUint64Array.from({ length: size }, (_, i) => BigInt(i));
  const out: Result[] = [];
  for (const precision of precisions) {
    globalThis.gc?.();
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const index = new VectorIndex(DIMENSIONS, precision);
    index.addMany(keys, set.stored, threads);
    const buildSeconds = (performance.now() - t0) / 1000;
    globalThis.gc?.();
    const rssPerEntry = (process.memoryUsage().rss - rss0) / size;
    const fresh = searchEach(index, set.fresh, DIMENSIONS);
    const near = searchEach(index, set.near, DIMENSIONS);
    const c1 = Float64Array.from([...fresh.micros, ...near.micros]).sort();
    const c16 = await searchConcurrently(index, set.fresh, DIMENSIONS);
    out.push({
      data: kind, size, precision, buildSeconds, rssPerEntry,
      c1: { p50: quantile(c1, 0.5), p99: quantile(c1, 0.99) },
      c16: { p50: quantile(c16.micros, 0.5), p99: quantile(c16.micros, 0.99), perSecond: c16.perSecond },
      recallFresh: recallAt1(fresh.top, truthFresh), recallNear: recallAt1(near.top, truthNear),
      scan: { p50: NaN, p99: NaN },
    });
    process.stderr.write(`${JSON.stringify(out.at(-1))}\n`);
    if (steersOnly(precision)) {
      out.push(await measureRescored(kind, size, set, index, keys, buildSeconds, rssPerEntry, truthFresh, truthNear));
      process.stderr.write(`${JSON.stringify(out.at(-1))}\n`);
    }
    index.clear();
  }
  // After the builds: freeing the scan's copy of the vectors would otherwise show in their memory figures.
  const scan = scanTimes(set.stored, set.fresh);
  for (const r of out) r.scan = { p50: quantile(scan, 0.5), p99: quantile(scan, 0.99) };
  return out;
}

/**
 * The same i8 or b1 index adopted by a namespace whose entries hold the vectors at f16, as the cache does with
 * `index.precision: i8` or `b1`: its search rescores the index's nearest candidates against those rows. Memory: the
 * index's own figure plus what the namespace's f16 rows and (minimal) entries added.
 */
async function measureRescored(
  kind: Data, size: number, set: DataSet, index: VectorIndex, keys: BigUint64Array, buildSeconds: number, indexRss: number,
  truthFresh: BigUint64Array, truthNear: BigUint64Array,
): Promise<Result> {
  const rss0 = process.memoryUsage().rss;
  const ns = new Namespace('bench', { model: 'bench', tenant: null }, { threshold: 0.9, ttlSeconds: 3600, maxEntries: size, enabled: true } as NamespaceSettings,
    () => ({ provider: 'bench', model: 'bench', version: '1', dimensions: DIMENSIONS }), 0, () => index.precision);
  ns.adoptIndex(index);
  for (let i = 0; i < size; i++) {
    ns.add({
      key: keys[i]!, namespace: 'bench', endpoint: 'chat', prompt: `p${i}`, fingerprint: 'fp', vector: rowOf(set.stored, i), response: packText(''),
      contentType: 'application/json', usage: null, tags: [], modelRevision: null, systemFingerprint: null, epoch: 0,
      createdAt: 0, lastHitAt: null, hitCount: 0, expiresAt: Number.MAX_SAFE_INTEGER,
    });
  }
  ns.finishAdoption(keys);
  globalThis.gc?.();
  const slabPerEntry = (process.memoryUsage().rss - rss0) / size;
  const fresh = searchEach(ns, set.fresh, DIMENSIONS);
  const near = searchEach(ns, set.near, DIMENSIONS);
  const c1 = Float64Array.from([...fresh.micros, ...near.micros]).sort();
  const c16 = await searchConcurrently(ns, set.fresh, DIMENSIONS);
  return {
    data: kind, size, precision: index.precision, rescored: true, buildSeconds, rssPerEntry: indexRss + slabPerEntry,
    c1: { p50: quantile(c1, 0.5), p99: quantile(c1, 0.99) },
    c16: { p50: quantile(c16.micros, 0.5), p99: quantile(c16.micros, 0.99), perSecond: c16.perSecond },
    recallFresh: recallAt1(fresh.top, truthFresh), recallNear: recallAt1(near.top, truthNear),
    scan: { p50: NaN, p99: NaN },
  };
}

const precisionLabel = (r: Result): string => (r.rescored ? `${r.precision}, rescored at f16` : r.precision);
const fmtMs = (micros: number): string => (micros / 1000).toFixed(micros < 10_000 ? 3 : 1);
const real = data.includes('MiniLM prompts') ? await promptVectors(REAL_PROMPTS) : null;
const results: Result[] = [];
const notes: string[] = [];
for (const kind of data) {
  for (const size of sizes) {
    if (kind === 'uniform random' && size > MAX_UNIFORM) continue;
    const set = kind === 'MiniLM prompts' ? realPlus(real!, size) : synthetic(kind, size);
    if (set.note) notes.push(`- MiniLM prompts, ${size.toLocaleString('en-US')}: ${set.note}`);
    results.push(...await measure(kind, size, set));
  }
}

const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
console.log(`## Index scale (${DIMENSIONS} dims, cosine, k=${K}, ${queries} fresh + ${queries} near queries per row, build on ${threads} threads, load average ${load} at the end)\n`);
console.log(markdownTable(
  ['data', 'entries', 'precision', 'c=1 p50 ms', 'c=1 p99 ms', `c=${CONCURRENCY} p50 ms`, `c=${CONCURRENCY} p99 ms`, `c=${CONCURRENCY} lookups/s`,
    'recall@1 fresh', 'recall@1 near', 'index RSS B/entry', 'vector B', 'build s', 'scan p50 ms'],
  results.map((r) => [
    r.data, r.size.toLocaleString('en-US'), precisionLabel(r), fmtMs(r.c1.p50), fmtMs(r.c1.p99), fmtMs(r.c16.p50), fmtMs(r.c16.p99),
    r.c16.perSecond.toFixed(0), r.recallFresh.toFixed(3), r.recallNear.toFixed(3), r.rssPerEntry.toFixed(0),
    String(DIMENSIONS * BYTES_PER_VALUE[r.precision]), r.buildSeconds.toFixed(1), fmtMs(r.scan.p50),
  ]),
  [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
));
console.log(`\nnear: cosine ${PARAPHRASE_SIMILARITY} to a stored vector (synthetic), or a held-out prompt whose labelled paraphrase is stored (MiniLM). scan: the exact JS scan, ${SCAN_TIMED} queries.`);
for (const n of notes) console.log(n);

const largest = Math.max(...sizes);
const floorRows = results.filter((r) => r.size === largest && r.data !== 'uniform random');
if (floorRows.length > 0) {
  console.log(`\nFloors (${largest.toLocaleString('en-US')} entries): recall@1 ≥ 0.99 on both query sets at c=1 p99 ≤ 2 ms`);
  for (const r of floorRows) {
    const ok = r.c1.p99 <= 2000 && r.recallFresh >= 0.99 && r.recallNear >= 0.99;
    console.log(`- ${r.data}, ${precisionLabel(r)}: p99 ${fmtMs(r.c1.p99)} ms, recall ${r.recallFresh.toFixed(3)} / ${r.recallNear.toFixed(3)} ${ok ? 'PASS' : 'FAIL'}`);
  }
}
