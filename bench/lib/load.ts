import { performance } from 'node:perf_hooks';

export interface LoadResult {
  streams: number;
  /** Streams whose task reported a failure. */
  failed: number;
  /** Distinct failure messages with their counts, for the report. */
  failures: Map<string, number>;
  seconds: number;
  /** Milliseconds per stream, sorted ascending. */
  latenciesMs: Float64Array;
}

/**
 * `concurrency` loops, each running `task` back to back until `durationMs` has passed (a closed-loop load, as
 * Envoy workers with that many requests in flight). A task resolves null on success or a failure message.
 */
export async function runLoad(concurrency: number, durationMs: number, task: (i: number) => Promise<string | null>): Promise<LoadResult> {
  const latencies: number[] = [];
  const failures = new Map<string, number>();
  let failed = 0;
  let next = 0;
  const started = performance.now();
  const end = started + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const failure = await task(next++);
      latencies.push(performance.now() - t0);
      if (failure !== null) {
        failed++;
        failures.set(failure, (failures.get(failure) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { streams: latencies.length, failed, failures, seconds, latenciesMs: Float64Array.from(latencies).sort() };
}

/** The q-quantile (0..1) of ascending values, nearest rank. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
