/**
 * One replica at scale (default 1M entries): a snapshot's write time and size and the worst event-loop stall
 * while it runs (with lookups every millisecond meanwhile), the saved index's write, and the restart: time until
 * the cache is loaded with the saved index in a fresh process, and that process's memory per entry against the
 * raw bytes; with --rebuild also without the saved index, inserting every vector again as before.
 * It also measures lookups and recall@1 on that index, so one build serves both (a million-entry build takes long).
 *   node --expose-gc --max-old-space-size=16384 bench/snapshot-scale.ts [--entries=1000000] [--rebuild] [--precision=auto] [--queries=200]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants as perf, PerformanceObserver, performance, type PerformanceEntry } from 'node:perf_hooks';
import { promisify } from 'node:util';
import pino from 'pino';
import lockfile from 'proper-lockfile';
import { CacheEngine } from '../apps/extproc/src/cache/cache-engine.ts';
import { BYTES_PER_VALUE, precisionFor, type IndexPrecisionSetting } from '../apps/extproc/src/cache/vector-index.ts';
import { loadConfig } from '../apps/extproc/src/config/load-config.ts';
import { BuiltinHashedEmbedder } from '../apps/extproc/src/embedders/builtin-hashed.ts';
import { LOCK_NAME } from '../apps/extproc/src/stores/data-dir-lock.ts';
import { INDEX_MANIFEST } from '../apps/extproc/src/stores/index-file.ts';
import { SnapshotStore } from '../apps/extproc/src/stores/snapshot-store.ts';
import { quantile } from './lib/load.ts';
import { markdownTable } from './lib/markdown-table.ts';
import { CONCURRENCY, exactTop1, K, recallAt1, searchConcurrently, searchEach } from './lib/index-search.ts';
import { gaussian, nearby, seededRandom } from './lib/random-vectors.ts';
import { DIMENSIONS, makeEntries, NAMESPACE, populate, type ScaleEntries } from './lib/scale-entries.ts';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = args.includes('--quick');
const N = Number(arg('entries') ?? (quick ? 5_000 : 1_000_000));
const precisionSetting = (arg('precision') ?? 'auto') as IndexPrecisionSetting;
const precision = precisionFor(precisionSetting, DIMENSIONS);
const config = loadConfig({}, { logLevel: 'silent', maxEntriesTotal: 10 * N, defaults: { maxEntries: 10 * N }, memory: { maxBytes: 2 ** 50 } });
const MiB = 1024 * 1024;
const QUERIES = Number(arg('queries') ?? (quick ? 50 : 200));
/**
 * Issue 18's raw bytes: prompt and answer, and the vector at the index's precision. The copy the entries keep
 * beside the index for rescoring and snapshots (f16 under a b1 index) is overhead against it, not raw.
 */
const rawPrecision = precision;

/** Nothing is embedded here: the built-in embedder only lends its identity, with the vectors' dimensions. */
const newEngine = (): CacheEngine =>
  new CacheEngine({ config, embedder: new BuiltinHashedEmbedder({ dimensions: DIMENSIONS }), indexPrecision: precisionSetting });

interface Logged { msg: string; at: number; blockedMs?: number; bytes?: number }
function logger(into: Logged[]): pino.Logger {
  return pino({ level: 'info' }, { write: (line: string) => void into.push({ ...(JSON.parse(line) as Logged), at: performance.now() }) });
}

/**
 * Lookups on a 1 ms timer while `work` runs: each one's delay from when it was due to when it was answered,
 * which is the pause a request would have seen. On a machine shared with other work, part of a delay is this
 * process waiting for a core: the main thread's CPU time within the worst gap is what its own code held it.
 * Full (mark-compact) collections meanwhile are counted, with the longest: on a large heap each one's pause
 * is a stall of its own.
 */
async function underLookups(engine: CacheEngine, work: () => Promise<void>): Promise<{ ms: number; worstMs: number; worstCpuMs: number; p99Ms: number; lookups: number; fullGcs: number; longestGcMs: number }> {
  const ns = engine.namespaces.get(NAMESPACE);
  const probe = ns.entries().next().value!.vector;
  const delays: number[] = [];
  let worstCpuMs = 0;
  let due = performance.now() + 1;
  let cpu = process.threadCpuUsage();
  const timer = setInterval(() => {
    ns.search(probe, 8);
    const now = performance.now();
    const used = process.threadCpuUsage(cpu);
    cpu = process.threadCpuUsage();
    worstCpuMs = Math.max(worstCpuMs, (used.user + used.system) / 1000);
    delays.push(now - due);
    due = now + 1;
  }, 1);
  const gcs: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => void gcs.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  clearInterval(timer);
  observer.disconnect();
  const full = gcs.filter((g) => ((g as unknown as { detail?: { kind?: number } }).detail)?.kind === perf.NODE_PERFORMANCE_GC_MAJOR);
  const sorted = Float64Array.from(delays).sort();
  return {
    ms, worstMs: sorted.at(-1) ?? 0, worstCpuMs, p99Ms: quantile(sorted, 0.99), lookups: delays.length,
    fullGcs: full.length, longestGcMs: Math.max(0, ...gcs.map((g) => g.duration)),
  };
}

/** Lookups on the populated index against an exact search: fresh queries, and near ones (cosine 0.9 to an entry). */
async function measureSearch(engine: CacheEngine, flat: Float32Array, made: ScaleEntries): Promise<string[][]> {
  const ns = engine.namespaces.get(NAMESPACE);
  const normal = gaussian(seededRandom(7));
  const fresh = new Float32Array(QUERIES * DIMENSIONS);
  const near = new Float32Array(QUERIES * DIMENSIONS);
  for (let i = 0; i < QUERIES; i++) {
    fresh.set(made.draw(), i * DIMENSIONS);
    const j = Math.floor((i * N) / QUERIES);
    near.set(nearby(flat.subarray(j * DIMENSIONS, (j + 1) * DIMENSIONS), 0.9, normal), i * DIMENSIONS);
  }
  const keyOf = (rows: BigUint64Array): bigint[] => [...rows].map((r) => made.entries[Number(r)]!.key);
  const truthFresh = keyOf(exactTop1(flat, fresh, DIMENSIONS, 2));
  const truthNear = keyOf(exactTop1(flat, near, DIMENSIONS, 2));
  const a = searchEach(ns, fresh, DIMENSIONS);
  const b = searchEach(ns, near, DIMENSIONS);
  const c1 = Float64Array.from([...a.micros, ...b.micros]).sort();
  const c16 = await searchConcurrently(ns, fresh, DIMENSIONS);
  const ms = (micros: number): string => (micros / 1000).toFixed(3);
  return [[
    N.toLocaleString('en-US'), precision, ms(quantile(c1, 0.5)), ms(quantile(c1, 0.99)), ms(quantile(c16.micros, 0.5)), ms(quantile(c16.micros, 0.99)),
    c16.perSecond.toFixed(0), recallAt1(a.top, truthFresh).toFixed(3), recallAt1(b.top, truthNear).toFixed(3),
  ]];
}

/**
 * RSS after a memory-reducing full collection, as V8's memory reducer makes once allocation slows: after a
 * regular one V8 keeps the pages it freed (a start-up's parsing garbage was most of the RSS at 20k entries).
 */
const rss = (): number => {
  globalThis.gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  return process.memoryUsage().rss;
};
const sizeOf = async (dir: string, match: (name: string) => boolean): Promise<number> => {
  let total = 0;
  for (const name of await readdir(dir)) if (match(name)) total += (await stat(join(dir, name))).size;
  return total;
};

/** What V8 holds after a full collection: JS objects and strings, and ArrayBuffers (the vector slabs). */
const heapAndBuffers = (): number => {
  globalThis.gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

interface FreshRestart { rss: number; heap: number; entries: number; seconds: number }

/**
 * The cache's memory without this benchmark's own: a fresh process starts from the data directory (as after
 * kill -9) and reports its growth, so that the generated data and the first engine's freed pages count nowhere.
 */
if (arg('restart-from')) {
  const rss0 = rss();
  const heap0 = heapAndBuffers();
  const into: Logged[] = [];
  const t = performance.now();
  const st = new SnapshotStore({ dir: arg('restart-from')!, engine: newEngine(), logger: logger(into), snapshotIntervalMs: 3_600_000, fsyncIntervalMs: 250 });
  await st.start();
  const seconds = (performance.now() - t) / 1000;
  const loaded = into.find((l) => l.msg === 'cache loaded from the data directory') as unknown as { entries: number };
  console.log(JSON.stringify({ rss: rss() - rss0, heap: heapAndBuffers() - heap0, entries: loaded.entries, seconds } satisfies FreshRestart));
  await lockfile.unlock(arg('restart-from')!, { lockfilePath: join(arg('restart-from')!, LOCK_NAME), realpath: false });
  process.exit(0);
}

const dir = await mkdtemp(join(tmpdir(), 'semcache-snapshot-scale-'));
const rows: string[][] = [];
/** Also on stderr at once, so that a long run stopped early keeps what it measured. */
const row = (step: string, time: string, size: string, stall: string, note: string): void => {
  rows.push([step, time, size, stall, note]);
  process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`);
};
try {
  const rss0 = rss();
  const made = makeEntries(N);
  let engine: CacheEngine | null = newEngine();
  const t0 = performance.now();
  let flat: Float32Array | null = populate(engine, made.entries);
  process.stderr.write(`populated ${N} entries in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  const search = await measureSearch(engine, flat, made);
  flat = null;
  const payload = made.payloadBytes;
  made.entries.length = 0;
  const perEntry = (rss() - rss0) / N;
  const raw = (payload + N * DIMENSIONS * BYTES_PER_VALUE[rawPrecision]) / N;
  process.stderr.write(`${JSON.stringify({ search, perEntry, raw, payload: payload / N })}\n`);

  const logs: Logged[] = [];
  let store: SnapshotStore | null = new SnapshotStore({ dir, engine, logger: logger(logs), snapshotIntervalMs: 3_600_000, fsyncIntervalMs: 250 });
  await store.start();
  const s = store;
  const snap = await underLookups(engine, () => s.snapshot());
  const snapBytes = await sizeOf(dir, (n) => n.startsWith('snapshot.bin'));
  row('snapshot (entries, vectors as f32)', `${(snap.ms / 1000).toFixed(1)} s`, `${(snapBytes / MiB).toFixed(0)} MiB`,
    `${snap.worstMs.toFixed(1)} ms (p99 ${snap.p99Ms.toFixed(1)})`, `${snap.lookups} lookups ran meanwhile; the most main-thread CPU between two of them: ${snap.worstCpuMs.toFixed(1)} ms; ${snap.fullGcs} full GCs, the longest GC ${snap.longestGcMs.toFixed(1)} ms`);
  const idx = await underLookups(engine, () => s.saveIndexes());
  const idxBytes = await sizeOf(dir, (n) => n.endsWith('.usearch') || n === INDEX_MANIFEST);
  const blocked = logs.find((l) => l.msg === 'vector indexes saved')?.blockedMs ?? NaN;
  row(`saved index (${precision})`, `${(idx.ms / 1000).toFixed(1)} s`, `${(idxBytes / MiB).toFixed(0)} MiB`,
    `${idx.worstMs.toFixed(0)} ms`, `usearch's synchronous write: ${blocked.toFixed(0)} ms; done at start-up and shutdown only`);

  // A crash, not a close: close would write both again, and the restart should find exactly these files.
  await lockfile.unlock(dir, { lockfilePath: join(dir, LOCK_NAME), realpath: false });
  store = null;
  engine = null;
  const rssFree = rss();

  const restart = async (label: string, note: string): Promise<void> => {
    const restartLogs: Logged[] = [];
    const e = newEngine();
    const t = performance.now();
    const st = new SnapshotStore({ dir, engine: e, logger: logger(restartLogs), snapshotIntervalMs: 3_600_000, fsyncIntervalMs: 250 });
    await st.start();
    const ready = performance.now() - t;
    const loadedAt = restartLogs.find((l) => l.msg === 'cache loaded from the data directory')?.at ?? NaN;
    const loaded = restartLogs.find((l) => l.msg === 'cache loaded from the data directory') as unknown as { entries: number; fromSavedIndex: number };
    row(label, `${(ready / 1000).toFixed(1)} s`, `${loaded.entries.toLocaleString('en-US')} entries`,
      '', `${note}; loaded in ${((loadedAt - t) / 1000).toFixed(1)} s (${loaded.fromSavedIndex.toLocaleString('en-US')} vectors from the saved index), then the start-up snapshot; RSS ${((rss() - rssFree) / N).toFixed(0)} B/entry`);
    await lockfile.unlock(dir, { lockfilePath: join(dir, LOCK_NAME), realpath: false });
  };
  const { stdout } = await promisify(execFile)(process.execPath, [...process.execArgv, import.meta.filename, `--restart-from=${dir}`, ...args], { maxBuffer: 1 << 20 });
  const fresh = JSON.parse(stdout.trim().split('\n').at(-1)!) as FreshRestart;
  row('restart with the saved index (a fresh process)', `${fresh.seconds.toFixed(1)} s`, `${fresh.entries.toLocaleString('en-US')} entries`, '',
    `nothing inserted; the process grew by ${(fresh.rss / N).toFixed(0)} B/entry RSS, of it ${(fresh.heap / N).toFixed(0)} B/entry JS heap and buffers`);
  if (args.includes('--rebuild')) {
    for (const name of await readdir(dir)) if (name.endsWith('.usearch') || name === INDEX_MANIFEST) await rm(join(dir, name));
    await restart('restart without it (as before)', 'every vector inserted again, one by one');
  }

  console.log(`## One replica at ${N.toLocaleString('en-US')} entries (${DIMENSIONS} dims, index ${precision}, load average ${loadavg()[0]!.toFixed(1)} at the end)\n`);
  console.log(`Memory, restarted in a fresh process: ${(fresh.rss / N).toFixed(0)} B/entry RSS (entries, exact-match map, vectors, index; ` +
    `${(fresh.heap / N).toFixed(0)} B of it JS heap and buffers) against ${raw.toFixed(0)} B/entry raw (prompt + answer ${(payload / N).toFixed(0)} B, ` +
    `vector ${DIMENSIONS * BYTES_PER_VALUE[rawPrecision]} B at ${rawPrecision}): ${(fresh.rss / N / raw).toFixed(2)}x. In this process after filling it: ` +
    `${perEntry.toFixed(0)} B/entry, which also counts the generated data's freed pages.\n`);
  console.log(markdownTable(['step', 'time', 'size', 'worst lookup delay', 'notes'], rows, [1, 2, 3]));
  console.log(`\nLookups (the namespace's own search, k=${K}, ${QUERIES} fresh + ${QUERIES} near queries; index built on 2 threads):\n`);
  console.log(markdownTable(
    ['entries', 'precision', 'c=1 p50 ms', 'c=1 p99 ms', `c=${CONCURRENCY} p50 ms`, `c=${CONCURRENCY} p99 ms`, `c=${CONCURRENCY} lookups/s`, 'recall@1 fresh', 'recall@1 near'],
    search, [0, 2, 3, 4, 5, 6, 7, 8],
  ));
} finally {
  await rm(dir, { recursive: true, force: true });
}
