/** Lookups on an index as the engine makes them, for the index and snapshot benchmarks. */
import { setImmediate as tick } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { exactSearch, MetricKind } from 'usearch';
import type { Neighbour } from '../../apps/extproc/src/cache/vector-index.ts';

/** What the engine asks for first (SEARCH_K[0] in cache-engine.ts). */
export const K = 8;
export const CONCURRENCY = 16;
/** The most distances one exact search may hold at once (256 MiB of floats). */
const MAX_MATRIX_VALUES = 2 ** 26;

export interface Searchable {
  search(vector: Float32Array, k: number): Neighbour[];
}

const rowOf = (v: Float32Array, dims: number, i: number): Float32Array => v.subarray(i * dims, (i + 1) * dims);

/** The key (row number, unless `keys` maps rows to keys) of the exact nearest stored row of each query, on `threads` threads. */
export function exactTop1(stored: Float32Array, queries: Float32Array, dims: number, threads: number): BigUint64Array {
  const n = queries.length / dims;
  const out = new BigUint64Array(n);
  // usearch fills a queries x stored distance matrix: 2,000 queries against 1M vectors (8 GB) ended in std::bad_alloc.
  const chunk = Math.max(1, Math.floor(MAX_MATRIX_VALUES / Math.max(1, stored.length / dims)));
  for (let i = 0; i < n; i += chunk) {
    // A copy: usearch reads a typed array from the start of its buffer, whatever the view's offset.
    const part = queries.slice(i * dims, Math.min(n, i + chunk) * dims);
    out.set(exactSearch(stored, part, dims, 1, MetricKind.Cos, threads).keys, i);
  }
  return out;
}

/** One lookup at a time: each one's best key and its time in µs (sorted). */
export function searchEach(index: Searchable, queries: Float32Array, dims: number): { top: bigint[]; micros: Float64Array } {
  const n = queries.length / dims;
  const top: bigint[] = [];
  const micros = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const found = index.search(rowOf(queries, dims, i), K);
    micros[i] = (performance.now() - t0) * 1000;
    top.push(found[0]?.key ?? -1n);
  }
  return { top, micros: micros.sort() };
}

/**
 * `CONCURRENCY` clients on one event loop, each issuing its next lookup when the last one is answered: the
 * server searches on its one thread, so a lookup also waits for those ahead of it. µs per lookup (sorted).
 */
export async function searchConcurrently(index: Searchable, queries: Float32Array, dims: number): Promise<{ micros: Float64Array; perSecond: number }> {
  const n = queries.length / dims;
  const total = n * 2;
  const micros: number[] = [];
  let next = 0;
  const client = async (): Promise<void> => {
    while (next < total) {
      const i = next++ % n;
      const t0 = performance.now();
      await tick();
      index.search(rowOf(queries, dims, i), K);
      micros.push((performance.now() - t0) * 1000);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  return { micros: Float64Array.from(micros).sort(), perSecond: total / ((performance.now() - t0) / 1000) };
}

/** Share of queries whose best key is the exact nearest one. */
export const recallAt1 = (top: readonly bigint[], truth: BigUint64Array | readonly bigint[]): number =>
  top.length === 0 ? NaN : top.filter((k, i) => k === truth[i]).length / top.length;
