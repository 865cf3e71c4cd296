/**
 * How wide a b1 index must search, and how many of its candidates must be rescored, for the nearest to be found:
 * one b1 index of embedding-like vectors (bench/lib/random-vectors.ts), searched with beams of 128-512 and the
 * first 64-256 candidates rescored by exact cosine, against an exact search, for fresh queries (nothing stored
 * close) and near ones (cosine 0.9 to a stored vector). How `RESCORED.b1` (cache/namespace.ts) and b1's doubled
 * beam (cache/vector-index.ts) were chosen. The times include JS rescoring at f32, not the engine's f16 rows.
 *   node bench/b1-beam.ts [--quick] [--entries=1000000] [--queries=300]
 */
import { performance } from 'node:perf_hooks';
import { VectorIndex } from '../apps/extproc/src/cache/vector-index.ts';
import { exactTop1 } from './lib/index-search.ts';
import { quantile } from './lib/load.ts';
import { markdownTable } from './lib/markdown-table.ts';
import { embeddingLike, gaussian, nearby, seededRandom } from './lib/random-vectors.ts';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const D = 384;
const quick = args.includes('--quick');
const N = Number(arg('entries') ?? (quick ? 3_000 : 1_000_000));
const Q = Number(arg('queries') ?? (quick ? 50 : 300));
const SETTINGS = [[128, 64], [128, 128], [256, 128], [256, 256], [512, 256]] as const;

const normal = gaussian(seededRandom(N));
const draw = embeddingLike(D, normal);
const stored = new Float32Array(N * D);
for (let i = 0; i < N; i++) stored.set(draw(), i * D);
const fresh = new Float32Array(Q * D);
for (let i = 0; i < Q; i++) fresh.set(draw(), i * D);
const near = new Float32Array(Q * D);
for (let i = 0; i < Q; i++) {
  const t = Math.floor((i * N) / Q);
  near.set(nearby(stored.subarray(t * D, (t + 1) * D), 0.9, normal), i * D);
}

const t0 = performance.now();
const index = new VectorIndex(D, 'b1');
index.addMany(BigUint64Array.from({ length: N }, (_, i) => BigInt(i)), stored, 2);
const buildSeconds = (performance.now() - t0) / 1000;
const truth = { fresh: exactTop1(stored, fresh, D, 2), near: exactTop1(stored, near, D, 2) };

const cosine = (q: Float32Array, row: number): number => {
  let s = 0;
  for (let d = 0, o = row * D; d < D; d++) s += q[d]! * stored[o + d]!;
  return s;
};

/** `VectorIndex.search` asks usearch for max(k, its beam) and keeps k: asking for `beam` sets the beam. */
function measure(queries: Float32Array, top: BigUint64Array, beam: number, rescored: number): { recall: number; p50: number; p99: number } {
  let found = 0;
  const micros: number[] = [];
  for (let i = 0; i < Q; i++) {
    const q = queries.subarray(i * D, (i + 1) * D);
    const t = performance.now();
    let best = -1n;
    let bestSimilarity = -2;
    for (const n of index.search(q, beam).slice(0, rescored)) {
      const s = cosine(q, Number(n.key));
      if (s > bestSimilarity) [best, bestSimilarity] = [n.key, s];
    }
    micros.push((performance.now() - t) * 1000);
    if (best === top[i]) found++;
  }
  micros.sort((a, b) => a - b);
  return { recall: found / Q, p50: quantile(micros, 0.5) / 1000, p99: quantile(micros, 0.99) / 1000 };
}

const rows = SETTINGS.map(([beam, rescored]) => {
  const f = measure(fresh, truth.fresh, beam, rescored);
  const n = measure(near, truth.near, beam, rescored);
  return [String(beam), String(rescored), f.recall.toFixed(3), n.recall.toFixed(3), f.p50.toFixed(3), f.p99.toFixed(3)];
});
console.log(`## b1 beam and rescored candidates (${N.toLocaleString('en-US')} embedding-like vectors, ${D} dims, built in ${buildSeconds.toFixed(0)} s on 2 threads, ${Q} + ${Q} queries)\n`);
console.log(markdownTable(['beam', 'rescored', 'recall@1 fresh', 'recall@1 near', 'fresh p50 ms', 'fresh p99 ms'], rows, [0, 1, 2, 3, 4, 5]));
