/**
 * Index churn: does repeated add/remove on one usearch index hang, lose keys or return removed ones? Each case
 * runs in its own child process with a time limit, so a hang is detected, not waited on; the child prints the
 * call it is about to make, so the last line names the call that hung and after how many operations.
 *   node bench/index-churn.ts [--quick] [--ops=20000] [--timeout-ms=15000]
 * Exits 1 when any case hangs, crashes or answers wrong.
 * Patterns: `one key` (add k, remove k, again: the same key), `fresh keys` (add a new random key, remove it:
 * a namespace holding one entry at a time), `lru N` (N live, each add evicts the oldest: a full namespace),
 * `replace N` (N live, one of them removed and added again with a new vector: an update).
 * `raw` drives usearch with the engine's options; `engine` goes through apps/extproc's VectorIndex.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { VectorIndex } from '../apps/extproc/src/cache/vector-index.ts';
import { markdownTable } from './lib/markdown-table.ts';
import { gaussian, randomUnit, seededRandom } from './lib/random-vectors.ts';

type Pattern = 'one key' | 'fresh keys' | 'lru' | 'replace';
interface Case {
  via: 'raw' | 'engine';
  pattern: Pattern;
  live: number;
  dimensions: number;
  quantization: 'f32' | 'f16';
  connectivity: number;
  expansionAdd: number;
  expansionSearch: number;
  search: boolean;
  ops: number;
}
interface Outcome {
  status: 'ok' | 'HANG' | 'CRASH' | 'WRONG';
  ops: number;
  detail: string;
  seconds: number;
}

/** The surface both drivers share: what the engine's namespace asks of its index. */
interface Driver {
  add(key: bigint, v: Float32Array): void;
  remove(key: bigint): void;
  search(v: Float32Array, k: number): bigint[];
  size(): number;
}

function rawDriver(c: Case): Driver {
  const index = new Index({
    dimensions: c.dimensions, metric: MetricKind.Cos,
    quantization: c.quantization === 'f16' ? ScalarKind.F16 : ScalarKind.F32,
    connectivity: c.connectivity, expansion_add: c.expansionAdd, expansion_search: c.expansionSearch, multi: false,
  });
  return {
    add: (key, v) => {
      if (index.contains(key)) index.remove(key);
      index.add(key, v, 1);
    },
    remove: (key) => {
      if (index.contains(key)) index.remove(key);
    },
    search: (v, k) => Array.from(index.search(v, Math.min(k, index.size()), 1).keys),
    size: () => index.size(),
  };
}

function engineDriver(c: Case): Driver {
  const index = new VectorIndex(c.dimensions);
  return {
    add: (key, v) => index.add(key, v),
    remove: (key) => index.remove(key),
    search: (v, k) => index.search(v, k).map((n) => n.key),
    size: () => index.size,
  };
}

const newKey = (): bigint => randomBytes(8).readBigUInt64BE() >> 1n;

/** Child side: runs one case, printing each call before it is made; exits 3 on a wrong answer. */
function runChild(c: Case): void {
  const say = (line: string) => writeSync(1, `${line}\n`);
  const index = c.via === 'raw' ? rawDriver(c) : engineDriver(c);
  const draw = (() => {
    const normal = gaussian(seededRandom(7));
    return () => randomUnit(c.dimensions, normal);
  })();
  const live = new Map<bigint, Float32Array>();
  const removed = new Set<bigint>();
  const check = (op: number, what: string) => {
    if (index.size() !== live.size) {
      say(`WRONG ${op} size ${index.size()} after ${what}, ${live.size} live`);
      process.exit(3);
    }
  };
  const searchAround = (op: number, v: Float32Array) => {
    if (!c.search || live.size === 0) return;
    say(`call ${op} search`);
    for (const key of index.search(v, 8)) {
      if (!live.has(key)) {
        say(`WRONG ${op} search returned ${removed.has(key) ? 'a removed' : 'an unknown'} key`);
        process.exit(3);
      }
    }
  };
  const add = (op: number, key: bigint, v: Float32Array) => {
    say(`call ${op} add`);
    index.add(key, v);
    live.set(key, v);
    removed.delete(key);
    check(op, 'add');
  };
  const remove = (op: number, key: bigint) => {
    say(`call ${op} remove`);
    index.remove(key);
    live.delete(key);
    removed.add(key);
    check(op, 'remove');
  };
  const order: bigint[] = [];
  const oneKey = newKey();
  for (let op = 1; op <= c.ops; op++) {
    const v = draw();
    if (c.pattern === 'one key') {
      add(op, oneKey, v);
      searchAround(op, v);
      remove(op, oneKey);
    } else if (c.pattern === 'fresh keys') {
      const key = newKey();
      add(op, key, v);
      searchAround(op, v);
      remove(op, key);
    } else if (c.pattern === 'lru') {
      const key = newKey();
      add(op, key, v);
      order.push(key);
      if (order.length > c.live) remove(op, order.shift()!);
      searchAround(op, v);
    } else {
      if (order.length < c.live) {
        const key = newKey();
        add(op, key, v);
        order.push(key);
      } else {
        const key = order[op % c.live]!;
        add(op, key, v);
      }
      searchAround(op, v);
    }
    say(`done ${op}`);
  }
  say(`ok ${c.ops}`);
}

function runCase(c: Case, timeoutMs: number): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), `--case=${JSON.stringify(c)}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-2_000);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2_000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      const lines = tail.trim().split('\n');
      const last = lines.at(-1) ?? '';
      const done = Number(lines.findLast((l) => l.startsWith('done '))?.slice(5) ?? 0);
      if (timedOut) resolve({ status: 'HANG', ops: done, detail: `killed after ${timeoutMs} ms, in ${last}`, seconds });
      else if (code === 0 && last.startsWith('ok ')) resolve({ status: 'ok', ops: done, detail: '', seconds });
      else if (code === 3) resolve({ status: 'WRONG', ops: done, detail: last, seconds });
      else resolve({ status: 'CRASH', ops: done, detail: `exit ${code ?? signal}, in ${last}: ${stderr.trim().split('\n').at(-1) ?? ''}`, seconds });
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const ops = Number(args.find((a) => a.startsWith('--ops='))?.slice(6) ?? (quick ? 3_000 : 20_000));
  const timeoutMs = Number(args.find((a) => a.startsWith('--timeout-ms='))?.slice(13) ?? 15_000);
  const base = { connectivity: 16, expansionAdd: 128, expansionSearch: 8, ops };
  const cases: Case[] = [];
  for (const dimensions of quick ? [384] : [256, 384]) {
    for (const quantization of quick ? (['f32'] as const) : (['f32', 'f16'] as const)) {
      for (const [pattern, live] of [['one key', 1], ['fresh keys', 1], ['lru', 8], ['lru', 100], ['replace', 8], ['replace', 100]] as const) {
        for (const search of [false, true]) {
          cases.push({ ...base, via: 'raw', pattern, live, dimensions, quantization, search });
        }
      }
    }
  }
  for (const [pattern, live] of [['one key', 1], ['fresh keys', 1], ['lru', 8], ['replace', 8]] as const) {
    cases.push({ ...base, via: 'engine', pattern, live, dimensions: 384, quantization: 'f32', search: true });
  }
  const rows: string[][] = [];
  for (const c of cases) {
    const o = await runCase(c, timeoutMs);
    const row = [c.via, c.pattern, String(c.live), String(c.dimensions), c.quantization, c.search ? "yes" : "no", o.status, String(o.ops), o.seconds.toFixed(1), o.detail];
    rows.push(row);
    process.stderr.write(`${row.join(' | ')}\n`);
  }
  console.log(`usearch churn, ${ops} operations per case, connectivity 16, expansion add 128 / search 8, limit ${timeoutMs} ms`);
  console.log(markdownTable(['via', 'pattern', 'live', 'dims', 'quant', 'search', 'status', 'ops done', 's', 'detail'], rows));
  // A hang or a lost key fails the run, so that bench/run-all.ts catches a usearch that regresses.
  process.exitCode = rows.every((r) => r[6] === 'ok') ? 0 : 1;
}

const childCase = process.argv.find((a) => a.startsWith('--case='));
if (childCase) runChild(JSON.parse(childCase.slice(7)) as Case);
else await main();
