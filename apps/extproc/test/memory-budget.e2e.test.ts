import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { NamespaceList } from '@semcache/shared';
import { EnvoyClient, FakeUpstream } from '@semcache/testkit';
import { spawnServer, stopServer, type ServerProcess } from './server-process.ts';

const HEAP_MB = 64;
const ENTRIES = 700;
const PROMPT_CHARS = 30_000;
const ANSWER_CHARS = 60_000;

const rssBytes = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

async function removedForMemory(s: ServerProcess): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${s.httpPort}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^semcache_entries_removed_total\{[^}]*reason="memory"[^}]*\} (\d+)$/gm)) n += Number(m[1]);
  return n;
}

async function cached(s: ServerProcess): Promise<{ entries: number; bytes: number }> {
  const list = (await (await fetch(`http://127.0.0.1:${s.httpPort}/api/namespaces`)).json()) as NamespaceList;
  return list.items.reduce((acc, ns) => ({ entries: acc.entries + ns.stats.entries, bytes: acc.bytes + ns.stats.memoryBytes }), { entries: 0, bytes: 0 });
}

const budgetOf = (s: ServerProcess): number => {
  const line = s.logs.find((l) => l.msg.startsWith('memory budget'));
  return (line!.memoryBudget as { maxBytes: number }).maxBytes;
};

describe(`memory budget: ${ENTRIES} entries of ${PROMPT_CHARS}-character prompts and ${ANSWER_CHARS / 1000} KB answers under a ${HEAP_MB} MB heap`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'semcache-budget-'));
  const upstream = new FakeUpstream();
  upstream.handler = (call) => ({
    body: {
      id: `cmpl-${upstream.calls.length}`, object: 'chat.completion', model: 'gpt-test',
      choices: [{ index: 0, message: { role: 'assistant', content: 'z'.repeat(ANSWER_CHARS) }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 7500, completion_tokens: 15000, total_tokens: 22500 },
      echo: String((call.body as { seed?: number }).seed),
    },
  });
  let server: ServerProcess | null = null;
  /** The first start's own budget: the second starts under half of it. */
  let firstBudget = 0;
  after(async () => {
    if (server) await stopServer(server);
    await upstream.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fills far past the budget without dying: RSS bounded, entries evicted and counted', async () => {
    await upstream.start();
    server = await spawnServer({ DATA_DIR: dataDir, LOG_LEVEL: 'info' }, [`--max-old-space-size=${HEAP_MB}`]);
    const budget = budgetOf(server);
    firstBudget = budget;
    assert.ok(budget > 0 && budget < HEAP_MB * 1024 * 1024, `default budget ${budget} from the heap limit`);
    const envoy = new EnvoyClient({ target: `127.0.0.1:${server.grpcPort}`, upstream: upstream.url });
    let next = 0;
    let stored = 0;
    let maxRss = 0;
    let rssHalfway = 0;
    const worker = async (): Promise<void> => {
      while (next < ENTRIES) {
        const i = next++;
        // A distinct seed is a distinct fingerprint: no request can hit another's entry, so each is stored.
        const res = await envoy.send({
          path: '/v1/chat/completions',
          body: JSON.stringify({ model: 'gpt-test', seed: i, messages: [{ role: 'user', content: randomBytes(PROMPT_CHARS / 2).toString('hex') }] }),
        });
        assert.equal(res.status, 200);
        if (res.headers['x-semantic-cache'] === 'miss') stored++;
        if (i % 50 === 0) maxRss = Math.max(maxRss, rssBytes(server!.child.pid!));
        if (i === ENTRIES / 2) rssHalfway = rssBytes(server!.child.pid!);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    envoy.close();
    maxRss = Math.max(maxRss, rssBytes(server.child.pid!));

    assert.equal(server.child.exitCode, null, 'the server is still running');
    assert.equal(stored, ENTRIES);
    const now = await cached(server);
    const evicted = await removedForMemory(server);
    assert.ok(now.bytes <= budget, `${now.bytes} bytes cached, budget ${budget}`);
    assert.ok(now.entries < ENTRIES / 2, `${now.entries} entries kept`);
    assert.equal(evicted, ENTRIES - now.entries, 'every entry that went was counted as a memory eviction');
    const rssEnd = rssBytes(server.child.pid!);
    const mb = (n: number): number => Math.round(n / 1048576);
    console.log(`# budget ${mb(budget)} MB: ${now.entries} entries (${mb(now.bytes)} MB) kept, ${evicted} evicted; RSS halfway ${mb(rssHalfway)} MB, at the end ${mb(rssEnd)} MB, peak ${mb(maxRss)} MB`);
    // The old generation is capped by the flag (without the budget the process dies of it: ~70 MB of
    // answers and prompts); the young one may take 192 MB; vectors, buffers and code must fit in the rest.
    assert.ok(maxRss < (HEAP_MB + 192 + 128) * 1048576, `RSS peaked at ${mb(maxRss)} MB`);
    assert.equal(await stopServer(server), 0);
    server = null;
  });

  it('loads no more than a smaller budget at the next start', async () => {
    if (server) await stopServer(server);
    const smaller = Math.floor(firstBudget / 2);
    server = await spawnServer({ DATA_DIR: dataDir, LOG_LEVEL: 'info', CACHE_MAX_BYTES: String(smaller) }, [`--max-old-space-size=${HEAP_MB}`]);
    const now = await cached(server);
    assert.ok(now.entries > 0, 'the snapshot was loaded');
    assert.ok(now.bytes <= smaller, `${now.bytes} bytes loaded, budget ${smaller}`);
    assert.ok(await removedForMemory(server) > 0, 'the loader evicted what no longer fits, and counted it');
  });
});
