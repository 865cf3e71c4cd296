/**
 * Export and import of one namespace through the real server's admin API (in-process, loopback HTTP): entries
 * per second and MB per second for the export, the import that reuses the vectors (same embedder), and the
 * imports that recompute them (another embedder's dimensions; an export without vectors). The heap growth of
 * the server while it streams the export (live objects, collected before each sample; --expose-gc) shows it is not
 * built in memory: compare it with the file's size.
 *   npm run bench:transfer [-- --quick]
 */
import pino from 'pino';
import type { ImportProgress } from '@semcache/shared';
import { loadConfig } from '../apps/extproc/src/config/load-config.ts';
import { startServer, type RunningServer } from '../apps/extproc/src/server.ts';
import { markdownTable } from './lib/markdown-table.ts';
import { MAX_QUESTIONS, question } from './lib/prompts.ts';

const quick = process.argv.includes('--quick');
const ENTRIES = quick ? 1000 : 20_000;
const ANSWER_BYTES = 1000;
const NS = 'bench-model';
const gc = (globalThis as { gc?: () => void }).gc;

function server(dimensions: number): Promise<RunningServer> {
  const config = loadConfig({}, {
    'grpc.host': '127.0.0.1', 'grpc.port': 0, 'http.host': '127.0.0.1', 'http.port': 0, 'store.persist': false,
    'embedder.provider': 'builtin', 'embedder.dimensions': dimensions, 'defaults.maxEntries': ENTRIES,
    maxEntriesTotal: ENTRIES, 'memory.maxBytes': 4 * 1024 ** 3, 'admin.maxImportBytes': 4 * 1024 ** 3,
  });
  return startServer({ config, logger: pino({ level: 'silent' }) });
}

async function fill(s: RunningServer): Promise<void> {
  const ns = s.engine.namespaces.resolve({ model: NS, tenant: null })!;
  const filler = 'x'.repeat(ANSWER_BYTES);
  for (let start = 0; start < ENTRIES; start += 256) {
    const prompts = Array.from({ length: Math.min(256, ENTRIES - start) }, (_, k) => `${question((start + k) % MAX_QUESTIONS)} case ${start + k}`);
    const vectors = await s.engine.embedder.embed(prompts);
    prompts.forEach((prompt, k) => s.engine.store(
      { namespace: ns.name, endpoint: 'chat', prompt, fingerprint: 'fp', vector: vectors[k]! },
      { response: JSON.stringify({ choices: [{ message: { content: filler } }] }), contentType: 'application/json', usage: null },
    ));
  }
}

const url = (s: RunningServer, path: string): string => `http://127.0.0.1:${s.httpPort}/api${path}`;

/** Reads the export as it streams; keeps it only when asked, so that the heap figure is the server's alone. */
async function exportOnce(
  s: RunningServer, vectors: boolean, opts: { keep?: boolean; sampleHeap?: boolean } = {},
): Promise<{ ms: number; bytes: number; text: string; heapGrowth: number }> {
  const keep = opts.keep ?? false;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = heapBefore;
  // Collected before each sample: the live heap, not the garbage of lines already sent. It slows the export, so
  // a run that samples is not the one timed.
  const sampler = opts.sampleHeap ? setInterval(() => {
    gc?.();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 20) : undefined;
  const t0 = performance.now();
  const res = await fetch(url(s, `/namespaces/${NS}/export?vectors=${vectors}`));
  const chunks: string[] = [];
  let bytes = 0;
  const decoder = new TextDecoder();
  for await (const chunk of res.body!) {
    bytes += chunk.byteLength;
    if (keep) chunks.push(decoder.decode(chunk, { stream: true }));
  }
  const ms = performance.now() - t0;
  clearInterval(sampler);
  return { ms, bytes, text: chunks.join(''), heapGrowth: peak - heapBefore };
}

async function importInto(s: RunningServer, body: string): Promise<{ ms: number; progress: ImportProgress }> {
  const t0 = performance.now();
  const res = await fetch(url(s, `/namespaces/${NS}/import`), { method: 'POST', headers: { 'content-type': 'application/x-ndjson', 'x-requested-by': 'bench' }, body });
  const progress = (await res.json()) as ImportProgress;
  if (res.status !== 200 || progress.imported !== ENTRIES) throw new Error(`import failed: ${res.status} ${JSON.stringify(progress).slice(0, 300)}`);
  return { ms: performance.now() - t0, progress };
}

const mb = (bytes: number): string => (bytes / 1024 ** 2).toFixed(1);
const rate = (n: number, ms: number): string => Math.round(n / (ms / 1000)).toLocaleString('en-US');
const mbRate = (bytes: number, ms: number): string => (bytes / 1024 ** 2 / (ms / 1000)).toFixed(1);

const source = await server(256);
const same = await server(256);
const other = await server(512);
try {
  const t0 = performance.now();
  await fill(source);
  const fillMs = performance.now() - t0;
  const rows: string[][] = [['reference: the same entries stored as answers (engine.store)', String(ENTRIES), '', (fillMs / 1000).toFixed(2), rate(ENTRIES, fillMs), '', '']];
  const timed = await exportOnce(source, true);
  const sampled = await exportOnce(source, true, { sampleHeap: true });
  rows.push(['export, vectors', String(ENTRIES), mb(timed.bytes), (timed.ms / 1000).toFixed(2), rate(ENTRIES, timed.ms), mbRate(timed.bytes, timed.ms), mb(sampled.heapGrowth)]);
  const withVectors = await exportOnce(source, true, { keep: true });
  const withoutVectors = await exportOnce(source, false, { keep: true });
  const bytes = Buffer.byteLength(withVectors.text);
  for (const [what, target, body] of [
    ['import, vectors reused', same, withVectors.text],
    ['import, recomputed (512 dims)', other, withVectors.text],
    ['import, no vectors in file', same, withoutVectors.text],
  ] as const) {
    await fetch(url(target, `/namespaces/${NS}/flush`), { method: 'POST', headers: { 'x-requested-by': 'bench' } }).catch(() => undefined);
    const { ms, progress } = await importInto(target, body);
    const size = Buffer.byteLength(body);
    rows.push([`${what} (${progress.recomputed} recomputed)`, String(progress.imported), mb(size), (ms / 1000).toFixed(2), rate(ENTRIES, ms), mbRate(size, ms), '']);
  }
  console.log(`# Export and import of one namespace${quick ? ' (quick)' : ''}\n`);
  console.log(`${ENTRIES} entries with ${ANSWER_BYTES}-byte answers, built-in embedder (256 dims; the recompute target 512), ` +
    `loopback HTTP, client and server in one process, Node ${process.version}; export file ${mb(bytes)} MB with vectors\n`);
  console.log(markdownTable(['operation', 'entries', 'MB', 's', 'entries/s', 'MB/s', 'heap growth MB'], rows, [1, 2, 3, 4, 5, 6]));
  if (gc === undefined) console.log('\n(run with --expose-gc for a steadier heap figure)');
} finally {
  await Promise.all([source.close(), same.close(), other.close()]);
}
