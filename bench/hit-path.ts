/**
 * ext_proc hit path: streams per second, p50/p99 latency and failed streams through the real server (its own
 * process, started as in production from apps/extproc/src/main.ts) for exact and semantic hits, side by side
 * with a no-op ext_proc server (bench/noop-server.ts: same grpc-js stack and settings, CONTINUE to everything),
 * at concurrency 1, 16 and 64, with clients that end each stream as Envoy does (reset) and as Envoy's
 * graceful-close flag does (half-close). The load generator is this process; servers never share its loop.
 * With --otlp the cache traces every stream (OTEL_EXPORTER_OTLP_ENDPOINT) to a local OTLP sink: the cost of tracing.
 *   node bench/hit-path.ts [--quick] [--seconds=3] [--entries=1000] [--server-cpu-prof=DIR] [--otlp]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvoyClient, FakeUpstream } from '@semcache/testkit';
import { ExtProcDriver, type CloseMode, type Expect } from './lib/ext-proc-driver.ts';
import { quantile, runLoad, type LoadResult } from './lib/load.ts';
import { markdownTable } from './lib/markdown-table.ts';
import { startOtlpSink } from './lib/otlp-sink.ts';
import { MAX_PARAPHRASES, MAX_QUESTIONS, paraphrase, question } from './lib/prompts.ts';
import { spawnServer, type ServerProcess } from './lib/server-process.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = args.includes('--quick');
const seconds = Number(flag('seconds') ?? (quick ? 0.3 : 3));
const entries = Math.min(MAX_QUESTIONS, Number(flag('entries') ?? (quick ? 50 : 1000)));
const cpuProfDir = flag('server-cpu-prof');
const traced = args.includes('--otlp');
const CONCURRENCY = [1, 16, 64] as const;
const CLOSE_MODES: CloseMode[] = ['reset', 'half-close'];
const PATH = '/v1/chat/completions';
const MODEL = 'bench';
/** The engine remembers up to 32 paraphrases per entry as exact aliases; these are used up before timing. */
const ALIASES_PER_ENTRY = 32;
/** Entries whose paraphrases the semantic case asks for. */
const semanticEntries = Math.min(entries, quick ? 20 : 200);

const body = (prompt: string): Buffer => Buffer.from(JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: prompt }] }));

type Case = 'no-op' | 'exact hit' | 'semantic hit';
interface Row {
  case: Case;
  close: CloseMode;
  concurrency: number;
  result: LoadResult;
  statusFailures: number;
  goaways: number;
  serverCpu: number;
}

async function seed(server: ServerProcess): Promise<void> {
  const upstream = await new FakeUpstream().start();
  const envoy = new EnvoyClient({ target: `127.0.0.1:${server.grpcPort}`, upstream: upstream.url });
  try {
    for (let i = 0; i < entries; i += 16) {
      const batch = Array.from({ length: Math.min(16, entries - i) }, (_, k) => envoy.send({ path: PATH, body: body(question(i + k)) }));
      for (const res of await Promise.all(batch)) {
        if (res.source !== 'upstream' || res.headers['x-semantic-cache'] !== 'miss') throw new Error(`seeding: expected a miss, got ${res.source} ${res.headers['x-semantic-cache']}`);
      }
    }
    const check = await envoy.send({ path: PATH, body: body(question(0)) });
    if (check.headers['x-semantic-cache'] !== 'hit-exact') throw new Error('seeding: a stored question did not hit');
  } finally {
    envoy.close();
    await upstream.close();
  }
}

/** Asks each entry's first paraphrases once, so that every later paraphrase is a semantic hit, never an alias. */
async function useUpAliases(target: string): Promise<void> {
  const driver = new ExtProcDriver(target, 'half-close');
  const expect: Expect = { kind: 'immediate', cacheHeader: 'hit-semantic' };
  for (let i = 0; i < semanticEntries; i++) {
    const failures = await Promise.all(
      Array.from({ length: ALIASES_PER_ENTRY }, (_, v) => driver.stream(PATH, body(paraphrase(question(i), v)), expect)),
    );
    const failure = failures.find((f) => f !== null);
    if (failure) throw new Error(`warming the semantic tier: ${failure}`);
  }
  driver.close();
}

function workload(c: Case): { bodies: Buffer[]; expect: Expect } {
  if (c === 'semantic hit') {
    const bodies: Buffer[] = [];
    for (let v = ALIASES_PER_ENTRY; v < MAX_PARAPHRASES; v++) {
      for (let i = 0; i < semanticEntries; i++) bodies.push(body(paraphrase(question(i), v)));
    }
    return { bodies, expect: { kind: 'immediate', cacheHeader: 'hit-semantic' } };
  }
  const bodies = Array.from({ length: entries }, (_, i) => body(question(i)));
  return { bodies, expect: c === 'no-op' ? { kind: 'continue' } : { kind: 'immediate', cacheHeader: 'hit-exact' } };
}

async function measure(server: ServerProcess, c: Case, close: CloseMode, concurrency: number): Promise<Row> {
  const { bodies, expect } = workload(c);
  const driver = new ExtProcDriver(`127.0.0.1:${server.grpcPort}`, close);
  const task = (i: number): Promise<string | null> => driver.stream(PATH, bodies[i % bodies.length]!, expect);
  await runLoad(concurrency, Math.min(500, seconds * 200), task);
  await driver.settle();
  const cpu0 = server.cpuSeconds();
  const result = await runLoad(concurrency, seconds * 1000, task);
  const cpu = server.cpuSeconds() - cpu0;
  const statusFailures = (await driver.settle()).length;
  const goaways = driver.connectionFailures.length;
  driver.close();
  return { case: c, close, concurrency, result, statusFailures, goaways, serverCpu: cpu / result.seconds };
}

const rate = (r: Row): number => r.result.streams / r.result.seconds;
const ms = (v: number): string => (v < 10 ? v.toFixed(3) : v.toFixed(1));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'semcache-bench-'));
  const configFile = join(dir, 'config.json');
  // The synthetic paraphrases (made-up words behind filler) are what the verifier is trained to doubt; its cost is
  // measured by bench/verifier-quality.ts, so this benchmark keeps the path it has always measured.
  writeFileSync(configFile, JSON.stringify({ store: { persist: false }, defaults: { verifier: false } }));
  const env = { CONFIG_FILE: configFile, LOG_LEVEL: 'info' };
  const nodeArgs = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const sink = traced ? await startOtlpSink() : null;
  const cache = await spawnServer('apps/extproc/src/main.ts', sink ? { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url } : env, nodeArgs);
  const noop = await spawnServer('bench/noop-server.ts', env, nodeArgs);
  const rows: Row[] = [];
  try {
    await seed(cache);
    await useUpAliases(`127.0.0.1:${cache.grpcPort}`);
    process.stderr.write(`seeded ${entries} entries; ${semanticEntries} of them have their aliases used up\n`);
    for (const close of CLOSE_MODES) {
      for (const concurrency of CONCURRENCY) {
        for (const c of ['no-op', 'exact hit', 'semantic hit'] as const) {
          const row = await measure(c === 'no-op' ? noop : cache, c, close, concurrency);
          rows.push(row);
          process.stderr.write(`${c} ${close} c=${concurrency}: ${rate(row).toFixed(0)} streams/s\n`);
        }
      }
    }
  } finally {
    await cache.stop();
    await noop.stop();
    await sink?.close();
  }
  if (sink) console.log(`Traced: every cache stream exported to an OTLP sink on 127.0.0.1 (${sink.spans()} spans received).\n`);
  report(rows);
}

function report(rows: Row[]): void {
  const noopRate = (r: Row): number => rate(rows.find((x) => x.case === 'no-op' && x.close === r.close && x.concurrency === r.concurrency)!);
  const table = rows.map((r) => [
    r.case, r.close, String(r.concurrency), String(r.result.streams), rate(r).toFixed(0),
    ms(quantile(r.result.latenciesMs, 0.5)), ms(quantile(r.result.latenciesMs, 0.99)),
    String(r.result.failed + r.statusFailures), String(r.goaways), `${(r.serverCpu * 100).toFixed(0)}%`,
    r.case === 'no-op' ? '' : `${((rate(r) / noopRate(r)) * 100).toFixed(0)}%`,
  ]);
  console.log(`## ext_proc hit path (${seconds} s per cell, ${entries} entries, semantic hits over ${semanticEntries} of them)\n`);
  console.log(markdownTable(
    ['case', 'close', 'concurrency', 'streams', 'streams/s', 'p50 ms', 'p99 ms', 'failed', 'conns lost', 'server CPU', 'of no-op'],
    table, [2, 3, 4, 5, 6, 7, 8, 9, 10],
  ));
  const failures = new Map<string, number>();
  for (const r of rows) for (const [m, n] of r.result.failures) failures.set(m, (failures.get(m) ?? 0) + n);
  if (failures.size > 0) console.log(`\nFailures: ${[...failures].map(([m, n]) => `${n} × ${m}`).join('; ')}`);

  const exact1 = rows.filter((r) => r.case === 'exact hit' && r.concurrency === 1);
  const semantic = rows.filter((r) => r.case === 'semantic hit');
  const worstRatio = Math.min(...semantic.map((r) => rate(r) / noopRate(r)));
  const worstP50 = Math.max(...exact1.map((r) => quantile(r.result.latenciesMs, 0.5)));
  const failed = rows.reduce((n, r) => n + r.result.failed + r.statusFailures, 0);
  console.log('\nFloors:');
  console.log(`- exact-hit p50 at concurrency 1 ≤ 1 ms: ${ms(worstP50)} ms ${worstP50 <= 1 ? 'PASS' : 'FAIL'}`);
  console.log(`- semantic-hit throughput ≥ 50% of the no-op server's: lowest ${(worstRatio * 100).toFixed(0)}% ${worstRatio >= 0.5 ? 'PASS' : 'FAIL'}`);
  console.log(`- failed streams: ${failed} ${failed === 0 ? 'PASS' : 'FAIL'}`);
  // Quick runs are too short for timing floors to mean anything; a failed stream always matters.
  if (failed > 0 || (!quick && (worstP50 > 1 || worstRatio < 0.5))) process.exitCode = 1;
}

await main();
