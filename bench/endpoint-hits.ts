/**
 * Exact hits per endpoint through the real server (its own process, as in production): streams per second and
 * p50/p99 of the request phase for chat, Anthropic Messages, OpenAI Responses and embeddings, each answer
 * replayed as JSON and (where the API streams) as SSE, at concurrency 1 and 16, half-close clients. Answers are
 * ~2,000 characters of text (embeddings: one 1,536-dimension vector as floats), so the rows compare what each
 * wire format costs to serve, not the size of a toy answer. A second table times the wire formats alone,
 * in this process: rendering a stored answer for a hit, and reading an upstream SSE answer into the stored form.
 *   node bench/endpoint-hits.ts [--quick] [--seconds=3] [--entries=200]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EndpointKind } from '@semcache/shared';
import {
  EnvoyClient, FakeUpstream, embeddingsAnswer, messagesAnswer, messagesStream, responsesAnswer, responsesStream, streamedAnswer, type UpstreamCall,
} from '@semcache/testkit';
import type { AnswerCapture } from '../apps/extproc/src/answers/answer-capture.ts';
import { chooseCapture } from '../apps/extproc/src/answers/choose-capture.ts';
import { packedSize, packText } from '../apps/extproc/src/cache/packed-text.ts';
import { renderAnswer } from '../apps/extproc/src/answers/replay.ts';
import { wireFormatOf } from '../apps/extproc/src/answers/wire-formats.ts';
import { ExtProcDriver, type Expect } from './lib/ext-proc-driver.ts';
import { quantile, runLoad, type LoadResult } from './lib/load.ts';
import { markdownTable } from './lib/markdown-table.ts';
import { question } from './lib/prompts.ts';
import { spawnServer, type ServerProcess } from './lib/server-process.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = args.includes('--quick');
const seconds = Number(flag('seconds') ?? (quick ? 0.3 : 3));
const entries = Number(flag('entries') ?? (quick ? 20 : 200));
const CONCURRENCY = [1, 16] as const;
const TEXT = 'Caching answers spares the model a call. '.repeat(50);

interface Endpoint {
  name: EndpointKind;
  path: string;
  body(prompt: string, stream: boolean): Record<string, unknown>;
  answer(call: UpstreamCall): Record<string, unknown>;
  streams: boolean;
  /** The SSE events the upstream streams for the same answer. */
  events?: string[];
}

const ENDPOINTS: Endpoint[] = [
  {
    name: 'chat', path: '/v1/chat/completions', streams: true,
    body: (q, stream) => ({ model: 'bench', stream, messages: [{ role: 'user', content: q }] }),
    answer: () => ({ id: 'chatcmpl-b', object: 'chat.completion', created: 1, model: 'bench', choices: [{ index: 0, message: { role: 'assistant', content: TEXT }, finish_reason: 'stop' }], usage: { prompt_tokens: 9, completion_tokens: 400, total_tokens: 409 } }),
    events: streamedAnswer({ endpoint: 'chat', text: TEXT, pieces: 400 }),
  },
  {
    name: 'messages', path: '/v1/messages', streams: true,
    body: (q, stream) => ({ model: 'bench', max_tokens: 1024, stream, system: 'Be helpful.', messages: [{ role: 'user', content: q }] }),
    answer: () => messagesAnswer({ text: TEXT, model: 'bench' }),
    events: messagesStream({ text: TEXT, model: 'bench', pieces: 400 }),
  },
  {
    name: 'responses', path: '/v1/responses', streams: true,
    body: (q, stream) => ({ model: 'bench', stream, instructions: 'Be helpful.', input: q }),
    answer: () => responsesAnswer({ text: TEXT, model: 'bench' }),
    events: responsesStream({ text: TEXT, model: 'bench', pieces: 400 }),
  },
  {
    name: 'embeddings', path: '/v1/embeddings', streams: false,
    body: (q) => ({ model: 'bench-embed', input: q, encoding_format: 'float', dimensions: 1536 }),
    answer: (call) => embeddingsAnswer(call.body, 0),
  },
];

interface Row { endpoint: string; form: 'JSON' | 'SSE'; concurrency: number; bytes: number; result: LoadResult; statusFailures: number }

async function seed(server: ServerProcess): Promise<Map<string, number>> {
  const upstream = await new FakeUpstream().start();
  upstream.handler = (call) => ({ body: ENDPOINTS.find((e) => call.path.startsWith(e.path))!.answer(call) });
  const envoy = new EnvoyClient({ target: `127.0.0.1:${server.grpcPort}`, upstream: upstream.url });
  const sizes = new Map<string, number>();
  try {
    for (const e of ENDPOINTS) {
      for (let i = 0; i < entries; i++) {
        const res = await envoy.send({ path: e.path, body: JSON.stringify(e.body(question(i), false)) });
        if (res.headers['x-semantic-cache'] !== 'miss') throw new Error(`seeding ${e.name}: expected a miss, got ${res.headers['x-semantic-cache']}`);
      }
      for (const stream of e.streams ? [false, true] : [false]) {
        const check = await envoy.send({ path: e.path, body: JSON.stringify(e.body(question(0), stream)) });
        if (check.headers['x-semantic-cache'] !== 'hit-exact') throw new Error(`seeding ${e.name}: a stored question did not hit`);
        sizes.set(`${e.name} ${stream}`, check.body.length);
      }
    }
  } finally {
    envoy.close();
    await upstream.close();
  }
  return sizes;
}

async function measure(server: ServerProcess, e: Endpoint, stream: boolean, concurrency: number, bytes: number): Promise<Row> {
  const bodies = Array.from({ length: entries }, (_, i) => Buffer.from(JSON.stringify(e.body(question(i), stream))));
  const expect: Expect = { kind: 'immediate', cacheHeader: 'hit-exact' };
  const driver = new ExtProcDriver(`127.0.0.1:${server.grpcPort}`, 'half-close');
  const task = (i: number): Promise<string | null> => driver.stream(e.path, bodies[i % bodies.length]!, expect);
  await runLoad(concurrency, Math.min(500, seconds * 200), task);
  await driver.settle();
  const result = await runLoad(concurrency, seconds * 1000, task);
  const statusFailures = (await driver.settle()).length;
  driver.close();
  return { endpoint: e.name, form: stream ? 'SSE' : 'JSON', concurrency, bytes, result, statusFailures };
}

const ms = (v: number): string => (v < 10 ? v.toFixed(3) : v.toFixed(1));

/** Median µs per call over five rounds of `n` calls. */
function microsPerCall(n: number, fn: () => unknown): number {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    rounds.push(((performance.now() - t0) * 1000) / n);
  }
  return rounds.sort((a, b) => a - b)[2]!;
}

/** The wire formats alone: a hit's reply body from the stored answer, and a streamed answer read into it. */
function wireCosts(): string[][] {
  const n = quick ? 200 : 5000;
  const head = { status: 200, contentType: 'text/event-stream', contentEncoding: 'identity', endOfStream: false };
  const rows: string[][] = [];
  for (const e of ENDPOINTS) {
    const stored = { endpoint: e.name, response: packText(JSON.stringify(e.answer({ method: 'POST', path: e.path, headers: {}, body: e.body('q', false) }))), contentType: 'application/json' };
    for (const stream of e.streams ? [false, true] : [false]) {
      const want = wireFormatOf(e.name).replayOptions(e.body('q', stream));
      const replay = microsPerCall(n, () => renderAnswer(stored, want));
      let assemble = '';
      if (stream && e.events) {
        const chunks = e.events.map((ev) => Buffer.from(ev));
        assemble = microsPerCall(Math.ceil(n / 10), () => {
          const capture = chooseCapture(head, e.name, 1 << 20) as AnswerCapture;
          for (const c of chunks) capture.push(c);
          return capture.finish();
        }).toFixed(1);
      }
      rows.push([e.name, stream ? 'SSE' : 'JSON', String(packedSize(stored.response)), replay.toFixed(1), assemble]);
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'semcache-bench-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ store: { persist: false }, defaults: { verifier: false } }));
  const server = await spawnServer('apps/extproc/src/main.ts', { CONFIG_FILE: configFile });
  const rows: Row[] = [];
  try {
    const sizes = await seed(server);
    for (const concurrency of CONCURRENCY) {
      for (const e of ENDPOINTS) {
        for (const stream of e.streams ? [false, true] : [false]) {
          const row = await measure(server, e, stream, concurrency, sizes.get(`${e.name} ${stream}`)!);
          rows.push(row);
          process.stderr.write(`${e.name} ${row.form} c=${concurrency}: ${(row.result.streams / row.result.seconds).toFixed(0)} streams/s\n`);
        }
      }
    }
  } finally {
    await server.stop();
  }
  console.log(`## Exact hits per endpoint (${seconds} s per cell, ${entries} entries per endpoint, half-close clients)\n`);
  console.log(markdownTable(
    ['endpoint', 'replay', 'concurrency', 'body bytes', 'streams', 'streams/s', 'p50 ms', 'p99 ms', 'failed'],
    rows.map((r) => [r.endpoint, r.form, String(r.concurrency), String(r.bytes), String(r.result.streams), (r.result.streams / r.result.seconds).toFixed(0),
      ms(quantile(r.result.latenciesMs, 0.5)), ms(quantile(r.result.latenciesMs, 0.99)), String(r.result.failed + r.statusFailures)]),
    [2, 3, 4, 5, 6, 7, 8],
  ));
  console.log('\n## Wire formats alone (in this process)\n');
  console.log(markdownTable(['endpoint', 'form', 'bytes held', 'replay µs', 'SSE assembly µs (400 events)'], wireCosts(), [2, 3, 4]));
  const failed = rows.reduce((n, r) => n + r.result.failed + r.statusFailures, 0);
  console.log(`\nFailed streams: ${failed}`);
  if (failed > 0) process.exitCode = 1;
}

await main();
