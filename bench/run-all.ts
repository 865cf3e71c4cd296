/**
 * Every benchmark in quick mode (tiny sizes, short runs), one after another: the CI smoke run that keeps them
 * working. Timing floors are not checked in quick mode; a benchmark that crashes or sees a failed stream fails
 * the run. `npm run bench` runs this; each benchmark's full run has its own script (see docs/benchmarks.md).
 */
import { spawnSync } from 'node:child_process';
import { REPO } from './lib/server-process.ts';

/** [script, node flags]. Add new benchmarks here, each runnable with --quick. */
const BENCHMARKS: [string, string[]][] = [
  ['bench/hit-path.ts', []],
  ['bench/index-scale.ts', ['--expose-gc']],
  ['bench/index-churn.ts', []],
  ['bench/b1-beam.ts', []],
  ['bench/hit-quality.ts', []],
  ['bench/embed-cost.ts', []],
  ['bench/through-envoy.ts', []],
  ['bench/embed-throughput.ts', []],
  ['bench/verifier-quality.ts', []],
  ['bench/verifier-adapter.ts', []],
  ['bench/guard-rule-cost.ts', []],
  ['bench/burst.ts', []],
  ['bench/endpoint-hits.ts', []],
  ['bench/transfer.ts', ['--expose-gc']],
  ['bench/online-verification.ts', []],
  ['bench/invalidation.ts', []],
  ['bench/snapshot-scale.ts', ['--expose-gc']],
  ['bench/redis-join.ts', ['--expose-gc']],
  ['bench/snapshot-encoding.ts', ['--expose-gc']],
];

let failed = 0;
for (const [script, flags] of BENCHMARKS) {
  process.stdout.write(`\n# ${script} --quick\n\n`);
  const run = spawnSync(`${REPO}node_modules/.bin/node`, [...flags, `${REPO}${script}`, '--quick'], { cwd: REPO, stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    process.stdout.write(`\n${script} failed (exit ${run.status ?? run.signal})\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
