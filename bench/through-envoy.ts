/**
 * Through real Envoy: requests per second and p50/p99 latency of client -> Envoy -> model with the ext_proc
 * filter removed from deploy/envoy.yaml, vs the shipped file with a no-op ext_proc server (bench/noop-server.ts:
 * the four ext_proc round trips of a miss and nothing else), with the cache on a miss (every prompt new: embed,
 * search, store) and on a hit (exact repeats answered by the cache), at concurrency 1, 16 and 64, in one run.
 * Envoy is the newest pinned version (scripts/install-envoy.sh); the cache, the fake model and this load
 * generator are each their own process. Prints a markdown table.
 *   node bench/through-envoy.ts [--quick] [--seconds=3] [--model-delay-ms=0] [--server-cpu-prof=DIR]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { parse, stringify } from 'yaml';
import { keepAlivePost, newestEnvoy, startEnvoy, type EnvoyProcess } from '@semcache/testkit';
import { quantile, runLoad, type LoadResult } from './lib/load.ts';
import { markdownTable } from './lib/markdown-table.ts';
import { question } from './lib/prompts.ts';
import { REPO, spawnServer, type ServerProcess } from './lib/server-process.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = args.includes('--quick');
const seconds = Number(flag('seconds') ?? (quick ? 0.3 : 3));
const modelDelayMs = Number(flag('model-delay-ms') ?? 0);
const cpuProfDir = flag('server-cpu-prof');
const CONCURRENCY = [1, 16, 64] as const;
const PATH = '/v1/chat/completions';
const HOT = quick ? 16 : 200;

type Case = 'no ext_proc' | 'no-op ext_proc' | 'cache miss' | 'cache hit';
interface Row { case: Case; concurrency: number; result: LoadResult }

const body = (prompt: string): string => JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: prompt }] });
const SYLLABLES = ['ka', 'lu', 'mo', 'ri', 'se', 'ta', 'vo', 'ne', 'pi', 'du', 'go', 'he', 'ji', 'wa', 'ze', 'fu'];
/** A made-up word of its own for every n: n's base-16 digits as syllables, at least four. */
const uniqueWord = (n: number): string => n.toString(16).padStart(4, '0').split('').map((d) => SYLLABLES[parseInt(d, 16)]!).join('');
/** A prompt no earlier request asked, sharing no content word with any other: every miss is a real miss. */
const freshPrompt = (i: number): string => `how do i ${uniqueWord(4 * i)} the ${uniqueWord(4 * i + 1)} ${uniqueWord(4 * i + 2)} with ${uniqueWord(4 * i + 3)}`;

/** deploy/envoy.yaml without its ext_proc filter: the same Envoy, listener and routes, no cache. */
function withoutExtProc(): string {
  const config = parse(readFileSync(`${REPO}deploy/envoy.yaml`, 'utf8')) as {
    static_resources: { listeners: { filter_chains: { filters: { typed_config: { http_filters: { name: string }[] } }[] }[] }[] };
  };
  const hcm = config.static_resources.listeners[0]!.filter_chains[0]!.filters[0]!.typed_config;
  hcm.http_filters = hcm.http_filters.filter((f) => f.name !== 'envoy.filters.http.ext_proc');
  return stringify(config);
}

async function startModel(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(`${REPO}node_modules/.bin/node`, [`${REPO}bench/fake-model.ts`], {
    cwd: REPO, env: { PATH: process.env.PATH ?? '', MODEL_DELAY_MS: String(modelDelayMs) }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  return { child, port: (JSON.parse(line) as { modelPort: number }).modelPort };
}

async function measure(envoy: EnvoyProcess, which: Case, concurrency: number, offset: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(`${envoy.url}${PATH}`);
  const expected = { 'no ext_proc': null, 'no-op ext_proc': null, 'cache miss': 'miss', 'cache hit': 'hit-exact' }[which];
  try {
    return await runLoad(concurrency, seconds * 1000, async (i) => {
      const prompt = which === 'cache hit' ? question(i % HOT) : freshPrompt(offset + i);
      const r = await keepAlivePost(agent, url, body(prompt)).catch((err: Error) => ({ status: 0, cache: err.message }));
      if (r.status !== 200) return `status ${r.status} ${r.cache ?? ''}`;
      return r.cache === expected ? null : `x-semantic-cache ${r.cache} (expected ${expected})`;
    });
  } finally {
    agent.destroy();
  }
}

const binary = newestEnvoy();
const model = await startModel();
const rows: Row[] = [];
let cache: ServerProcess | null = null;
let envoy: EnvoyProcess | null = null;
try {
  envoy = await startEnvoy({ binary, configText: withoutExtProc(), cachePort: 1, modelPort: model.port });
  for (const concurrency of CONCURRENCY) rows.push({ case: 'no ext_proc', concurrency, result: await measure(envoy, 'no ext_proc', concurrency, 0) });
  await envoy.stop();

  const noop = await spawnServer('bench/noop-server.ts', { LOG_LEVEL: 'info' });
  try {
    envoy = await startEnvoy({ binary, cachePort: noop.grpcPort, modelPort: model.port });
    for (const concurrency of CONCURRENCY) rows.push({ case: 'no-op ext_proc', concurrency, result: await measure(envoy, 'no-op ext_proc', concurrency, 0) });
    await envoy.stop();
  } finally {
    await noop.stop();
  }

  const nodeArgs = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  cache = await spawnServer('apps/extproc/src/main.ts', { PERSIST: 'false', LOG_LEVEL: 'info' }, nodeArgs);
  envoy = await startEnvoy({ binary, cachePort: cache.grpcPort, modelPort: model.port });
  const seedAgent = new http.Agent({ keepAlive: true });
  for (let i = 0; i < HOT; i++) await keepAlivePost(seedAgent, new URL(`${envoy.url}${PATH}`), body(question(i)));
  seedAgent.destroy();
  let offset = 0;
  for (const concurrency of CONCURRENCY) {
    const miss = await measure(envoy, 'cache miss', concurrency, offset);
    offset += miss.streams;
    rows.push({ case: 'cache miss', concurrency, result: miss });
    rows.push({ case: 'cache hit', concurrency, result: await measure(envoy, 'cache hit', concurrency, 0) });
  }
  const stats = await envoy.stats('ext_proc');
  const failures = ['streams_failed', 'failure_mode_allowed', 'message_timeouts'].map((k) => `${k} ${stats[`http.llm.ext_proc.${k}`] ?? 0}`);
  const order: Case[] = ['no ext_proc', 'no-op ext_proc', 'cache miss', 'cache hit'];
  rows.sort((a, b) => a.concurrency - b.concurrency || order.indexOf(a.case) - order.indexOf(b.case));

  const fmt = (ms: number): string => (ms < 10 ? ms.toFixed(3) : ms.toFixed(1));
  const base = new Map(rows.filter((r) => r.case === 'no ext_proc').map((r) => [r.concurrency, quantile(r.result.latenciesMs, 0.5)]));
  const table = markdownTable(
    ['case', 'concurrency', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'failed', 'p50 vs no ext_proc'],
    rows.map(({ case: c, concurrency, result: r }) => {
      const p50 = quantile(r.latenciesMs, 0.5);
      const delta = c === 'no ext_proc' ? '' : `${p50 >= base.get(concurrency)! ? '+' : ''}${fmt(p50 - base.get(concurrency)!)} ms`;
      return [c, String(concurrency), String(r.streams), String(Math.round(r.streams / r.seconds)), fmt(p50), fmt(quantile(r.latenciesMs, 0.99)), String(r.failed), delta];
    }),
    [1, 2, 3, 4, 5, 6, 7],
  );
  process.stdout.write(`Envoy ${binary.version}, ${seconds} s per row, fake model answering after ${modelDelayMs} ms; Envoy's ext_proc counters after the run: ${failures.join(', ')}\n\n${table}\n`);
  const failed = rows.reduce((n, r) => n + r.result.failed, 0);
  for (const r of rows) for (const [why, n] of r.result.failures) process.stdout.write(`${r.case} at ${r.concurrency}: ${n} x ${why}\n`);
  if (failed > 0 || stats['http.llm.ext_proc.streams_failed'] || stats['http.llm.ext_proc.failure_mode_allowed']) process.exitCode = 1;
} finally {
  await envoy?.stop();
  await cache?.stop();
  model.child.kill('SIGTERM');
  await once(model.child, 'exit');
}
