/**
 * How a snapshot's entries are encoded, alone (no file, no lookups): a Buffer per record joined 128 at a time
 * (how snapshots were written until 2026-12-01, and how the change log still writes one change at a time)
 * against one reused buffer filled in slices of at most 2 ms (how they are written now). Per way: the total
 * time, the slices between two turns of the event loop (wall time: on a shared machine a slice can also wait
 * for a core) and the collections meanwhile.
 *   node --expose-gc --max-old-space-size=16384 bench/snapshot-encoding.ts [--entries=50000] [--rounds=2]
 */
import { loadavg } from 'node:os';
import { constants as perf, PerformanceObserver, performance, type PerformanceEntry } from 'node:perf_hooks';
import { setImmediate as tick } from 'node:timers/promises';
import { CacheEngine } from '../apps/extproc/src/cache/cache-engine.ts';
import { loadConfig } from '../apps/extproc/src/config/load-config.ts';
import { BuiltinHashedEmbedder } from '../apps/extproc/src/embedders/builtin-hashed.ts';
import { appendAddRecord, changeRecord } from '../apps/extproc/src/stores/data-dir-format.ts';
import { RecordEncoder } from '../apps/extproc/src/stores/record-file.ts';
import { quantile } from './lib/load.ts';
import { markdownTable } from './lib/markdown-table.ts';
import { DIMENSIONS, makeEntries, NAMESPACE, populate } from './lib/scale-entries.ts';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const N = Number(arg('entries') ?? (args.includes('--quick') ? 5_000 : 50_000));
const ROUNDS = Number(arg('rounds') ?? 2);

const config = loadConfig({}, { logLevel: 'silent', maxEntriesTotal: 10 * N, defaults: { maxEntries: 10 * N }, memory: { maxBytes: 2 ** 50 } });
const engine = new CacheEngine({ config, embedder: new BuiltinHashedEmbedder({ dimensions: DIMENSIONS }) });
populate(engine, makeEntries(N).entries);
globalThis.gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
const ns = engine.namespaces.get(NAMESPACE);

const gcs: PerformanceEntry[] = [];
new PerformanceObserver((list) => void gcs.push(...list.getEntries())).observe({ entryTypes: ['gc'] });
const isFull = (g: PerformanceEntry): boolean => (g as unknown as { detail?: { kind?: number } }).detail?.kind === perf.NODE_PERFORMANCE_GC_MAJOR;

async function* perRecord(): AsyncGenerator<Buffer> {
  let batch: Buffer[] = [];
  for (const entry of ns.entries()) {
    batch.push(changeRecord({ type: 'add', entry }));
    if (batch.length < 128) continue;
    yield Buffer.concat(batch);
    batch = [];
  }
  if (batch.length > 0) yield Buffer.concat(batch);
}

async function* reused(): AsyncGenerator<Buffer> {
  const encoder = new RecordEncoder(1024 * 1024);
  let sliceStart = performance.now();
  for (const entry of ns.entries()) {
    if (!appendAddRecord(encoder, entry)) {
      yield encoder.take();
      appendAddRecord(encoder, entry);
      sliceStart = performance.now();
    }
    if (performance.now() - sliceStart < 2) continue;
    yield encoder.take();
    sliceStart = performance.now();
  }
  if (encoder.used > 0) yield encoder.take();
}

const rows: string[][] = [];
for (let round = 1; round <= ROUNDS; round++) {
  for (const [way, chunks] of [['a Buffer per record, 128 a write', perRecord], ['one reused buffer, 2 ms slices', reused]] as const) {
    await tick();
    gcs.length = 0;
    const slices: number[] = [];
    const t0 = performance.now();
    let t = t0;
    for await (const _chunk of chunks()) {
      slices.push(performance.now() - t);
      await tick();
      t = performance.now();
    }
    const ms = performance.now() - t0;
    await tick();
    const sorted = Float64Array.from(slices).sort();
    const full = gcs.filter(isFull);
    rows.push([
      String(round), way, ms.toFixed(0), String(slices.length), quantile(sorted, 0.5).toFixed(2), quantile(sorted, 0.99).toFixed(2), (sorted.at(-1) ?? 0).toFixed(2),
      String(gcs.length), String(full.length), Math.max(0, ...gcs.map((g) => g.duration)).toFixed(1),
    ]);
  }
}

console.log(`## Encoding a snapshot's ${N.toLocaleString('en-US')} entries (${DIMENSIONS} dims, vectors f16 in memory, f32 on disk; load average ${loadavg()[0]!.toFixed(1)} at the end)\n`);
console.log(markdownTable(
  ['round', 'way', 'total ms', 'slices', 'slice p50 ms', 'slice p99 ms', 'slice max ms', 'GCs', 'of them full', 'longest GC ms'],
  rows, [0, 2, 3, 4, 5, 6, 7, 8, 9],
));
