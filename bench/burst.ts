/**
 * One model call per burst: N identical requests sent at once for a prompt not yet cached, through the real
 * server (its own process, as in production), against a fake model that takes --model-ms to answer. For each
 * burst size, with the singleflight on (SINGLEFLIGHT_WAIT_MS) and off (0): model calls per burst, requests
 * answered 200, and request latency p50/p99 as the client sees it.
 *   node bench/burst.ts [--quick] [--bursts=3] [--model-ms=200] [--sizes=1,10,50,200]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EnvoyClient, FakeUpstream } from '@semcache/testkit';
import { quantile } from './lib/load.ts';
import { markdownTable } from './lib/markdown-table.ts';
import { question } from './lib/prompts.ts';
import { spawnServer, type ServerProcess } from './lib/server-process.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = args.includes('--quick');
const bursts = Number(flag('bursts') ?? (quick ? 2 : 3));
const modelMs = Number(flag('model-ms') ?? (quick ? 50 : 200));
const SIZES = flag('sizes')?.split(',').map(Number) ?? (quick ? [10] : [1, 10, 50, 200]);
const WAIT_MS = 3000;

interface Row {
  waitMs: number;
  size: number;
  calls: number;
  ok: number;
  latencies: number[];
}

async function run(waitMs: number, promptBase: number): Promise<Row[]> {
  const server = await spawnServer('apps/extproc/src/main.ts', { PERSIST: 'false', SINGLEFLIGHT_WAIT_MS: String(waitMs) });
  const upstream = await new FakeUpstream().start();
  upstream.handler = async (call) => {
    await sleep(modelMs);
    return upstream.answer(call);
  };
  const envoy = new EnvoyClient({ target: `127.0.0.1:${server.grpcPort}`, upstream: upstream.url, messageTimeoutMs: 10_000 });
  const rows: Row[] = [];
  try {
    let prompt = promptBase;
    for (const size of SIZES) {
      const row: Row = { waitMs, size, calls: 0, ok: 0, latencies: [] };
      for (let b = 0; b < bursts; b++) {
        const body = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: question(prompt++) }] });
        const before = upstream.calls.length;
        const replies = await Promise.all(Array.from({ length: size }, async () => {
          const t0 = performance.now();
          const res = await envoy.send({ path: '/v1/chat/completions', body });
          row.latencies.push(performance.now() - t0);
          return res;
        }));
        row.calls += upstream.calls.length - before;
        row.ok += replies.filter((r) => r.status === 200).length;
        process.stderr.write(`singleflight ${waitMs ? 'on' : 'off'}, burst of ${size}: ${b + 1}/${bursts}\r`);
      }
      rows.push(row);
    }
  } finally {
    envoy.close();
    await upstream.close();
    await stopWithin(server, 5000);
  }
  return rows;
}

/** Seen here: after a burst of 200 without the singleflight the server sometimes ignores SIGTERM; say so, then kill it. */
async function stopWithin(server: ServerProcess, ms: number): Promise<void> {
  const stopped = server.stop().then(() => true);
  if (await Promise.race([stopped, sleep(ms).then(() => false)])) return;
  process.stderr.write(`\nthe server had not stopped ${ms} ms after SIGTERM: killed\n`);
  server.child.kill('SIGKILL');
  await stopped;
}

const rows = [...(await run(WAIT_MS, 0)), ...(await run(0, 0))];
const failed = rows.some((r) => r.ok !== r.size * bursts);
const ms = (v: number): string => v.toFixed(1);
console.log(markdownTable(
  ['singleflight', 'burst size', 'bursts', 'model calls per burst', 'answered 200', 'p50 ms', 'p99 ms'],
  rows.map((r) => {
    const sorted = Float64Array.from(r.latencies).sort();
    return [r.waitMs ? `on (${r.waitMs} ms)` : 'off', String(r.size), String(bursts), (r.calls / bursts).toFixed(1),
      `${r.ok}/${r.size * bursts}`, ms(quantile(sorted, 0.5)), ms(quantile(sorted, 0.99))];
  }),
  [1, 2, 3, 5, 6],
));
console.log(`\nfake model answers after ${modelMs} ms; server and client share the machine's cores.`);
process.exitCode = failed ? 1 : 0;
