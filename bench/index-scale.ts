/**
 * Index scale: lookup latency, memory per entry and recall@1 of the usearch index the cache uses
 * (apps/extproc/src/cache/vector-index.ts) against an exact brute-force scan over the same vectors, at 10k and
 * 100k entries of 384 dimensions (1M with --1m), on two kinds of data: embedding-like vectors (topics in a
 * low-dimensional latent space, as sentence embeddings are) and uniform random unit vectors (no structure at
 * all: an approximate index's worst case, reported as a stress test). Two query sets per kind: fresh vectors
 * from the same distribution, and paraphrase-like queries at cosine 0.9 to a stored vector (what a cache hit
 * looks like). The floors are checked on the embedding-like data.
 *   node bench/index-scale.ts [--quick] [--1m] [--queries=500]
 */
import { performance } from 'node:perf_hooks';
import { VectorIndex } from '../apps/extproc/src/cache/vector-index.ts';
import { BruteForceIndex } from './lib/brute-force.ts';
import { quantile } from './lib/load.ts';
import { markdownTable } from './lib/markdown-table.ts';
import { embeddingLike, gaussian, nearby, randomUnit, seededRandom } from './lib/random-vectors.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const DIMENSIONS = 384;
/** What the engine asks for first (SEARCH_K[0] in cache-engine.ts). */
const K = 8;
const sizes = quick ? [2_000] : [10_000, 100_000, ...(args.includes('--1m') ? [1_000_000] : [])];
const queries = Number(args.find((a) => a.startsWith('--queries='))?.slice(10) ?? (quick ? 100 : 500));
const PARAPHRASE_SIMILARITY = 0.9;

type Data = 'embedding-like' | 'uniform random';
const DATA: readonly Data[] = ['embedding-like', 'uniform random'];

interface Result {
  data: Data;
  size: number;
  buildSeconds: number;
  rssPerEntry: number;
  estimatePerEntry: number;
  index: { p50: number; p99: number; recallRandom: number; recallNear: number };
  scan: { p50: number; p99: number };
}

function timeEach<T>(items: readonly Float32Array[], f: (q: Float32Array) => T): { out: T[]; micros: Float64Array } {
  const out: T[] = [];
  const micros = new Float64Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const t0 = performance.now();
    out.push(f(items[i]!));
    micros[i] = (performance.now() - t0) * 1000;
  }
  return { out, micros: micros.sort() };
}

function measure(data: Data, size: number): Result {
  const normal = gaussian(seededRandom(size));
  const draw = data === 'uniform random' ? () => randomUnit(DIMENSIONS, normal) : embeddingLike(DIMENSIONS, normal);
  const scan = new BruteForceIndex(DIMENSIONS, size);
  const stored: Float32Array[] = [];
  for (let i = 0; i < size; i++) {
    const v = draw();
    stored.push(v);
    scan.add(v);
  }
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const index = new VectorIndex(DIMENSIONS);
  for (let i = 0; i < size; i++) index.add(BigInt(i), stored[i]!);
  const buildSeconds = (performance.now() - t0) / 1000;
  globalThis.gc?.();
  const rssPerEntry = (process.memoryUsage().rss - rss0) / size;


  const random = Array.from({ length: queries }, draw);
  const targets = Array.from({ length: queries }, (_, i) => Math.floor((i * size) / queries));
  const near = targets.map((t) => nearby(stored[t]!, PARAPHRASE_SIMILARITY, normal));

  const exactRandom = timeEach(random, (q) => scan.nearest(q));
  const exactNear = timeEach(near, (q) => scan.nearest(q));
  const annRandom = timeEach(random, (q) => index.search(q, K));
  const annNear = timeEach(near, (q) => index.search(q, K));
  const recall = (ann: { key: bigint }[][], exact: { index: number }[]): number =>
    ann.filter((found, i) => found[0]?.key === BigInt(exact[i]!.index)).length / ann.length;
  const scanMicros = Float64Array.from([...exactRandom.micros, ...exactNear.micros]).sort();
  const annMicros = Float64Array.from([...annRandom.micros, ...annNear.micros]).sort();

  return {
    data,
    size,
    buildSeconds,
    rssPerEntry,
    estimatePerEntry: index.approximateBytes / size,
    index: {
      p50: quantile(annMicros, 0.5), p99: quantile(annMicros, 0.99),
      recallRandom: recall(annRandom.out, exactRandom.out), recallNear: recall(annNear.out, exactNear.out),
    },
    scan: { p50: quantile(scanMicros, 0.5), p99: quantile(scanMicros, 0.99) },
  };
}

const fmtMs = (micros: number): string => (micros / 1000).toFixed(micros < 10_000 ? 3 : 1);
const results: Result[] = [];
for (const data of DATA) {
  for (const size of sizes) {
    results.push(measure(data, size));
    process.stderr.write(`${data}: ${size} entries done\n`);
  }
}

console.log(`## Index scale (${DIMENSIONS} dims, cosine, k=${K}, ${queries} fresh + ${queries} paraphrase-like queries per row)\n`);
console.log(markdownTable(
  ['data', 'entries', 'index p50 ms', 'index p99 ms', 'scan p50 ms', 'scan p99 ms', 'recall@1 fresh', `recall@1 cos ${PARAPHRASE_SIMILARITY}`,
    'RSS B/entry', 'gauge estimate B/entry', 'build s'],
  results.map((r) => [
    r.data, r.size.toLocaleString('en-US'), fmtMs(r.index.p50), fmtMs(r.index.p99), fmtMs(r.scan.p50), fmtMs(r.scan.p99),
    r.index.recallRandom.toFixed(3), r.index.recallNear.toFixed(3), r.rssPerEntry.toFixed(0), r.estimatePerEntry.toFixed(0),
    r.buildSeconds.toFixed(1),
  ]),
  [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
));
console.log(`\nScan memory: ${DIMENSIONS * 4} B/entry (the vectors alone).`);

const at100k = results.find((r) => r.size === 100_000 && r.data === 'embedding-like');
if (at100k) {
  const p99ok = at100k.index.p99 <= 2000;
  const recallOk = at100k.index.recallRandom >= 0.99 && at100k.index.recallNear >= 0.99;
  console.log('\nFloors (100k embedding-like entries):');
  console.log(`- p99 ≤ 2 ms: ${fmtMs(at100k.index.p99)} ms ${p99ok ? 'PASS' : 'FAIL'}`);
  console.log(`- recall@1 ≥ 0.99: fresh ${at100k.index.recallRandom.toFixed(3)}, cos ${PARAPHRASE_SIMILARITY} ${at100k.index.recallNear.toFixed(3)} ${recallOk ? 'PASS' : 'FAIL'}`);
  if (!p99ok || !recallOk) process.exitCode = 1;
}
