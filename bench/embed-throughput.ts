/**
 * Semantic lookups through the real cache engine, per embedder, at concurrency 1, 16 and 64: prompts per second
 * (every lookup embeds its prompt), lookup p50/p99 and the p50 of semantic hits alone. The cache holds the
 * shared paraphrase origins; each query is a paraphrase never asked before, so no lookup takes the exact tier.
 * Load generator and engine share the process and the two cores, as the ext_proc server would.
 * `--verifier` turns on the default verifier (`verifierModel.kind` auto, loaded per embedder as the server loads it),
 * so that the semantic-hit p50 includes its verdict; without it the verifier is off.
 * `--compare` runs each ONNX model twice, loaded with the settings before length runs and the adaptive window
 * (`before`) and with the defaults (`after`), the two alternating at each concurrency for `--rounds` rounds, so a
 * busy machine's load falls on both alike; `--compare=after,threads-2` picks other variants (see VARIANTS).
 *   npm run bench:embed-throughput [-- --quick] [-- --threads=N] [-- --compare[=a,b]] [-- --rounds=N] [-- --seconds=S] [-- --verifier]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CacheEngine, type LookupRequest } from '../apps/extproc/src/cache/cache-engine.ts';
import { loadConfig } from '../apps/extproc/src/config/load-config.ts';
import { BuiltinHashedEmbedder } from '../apps/extproc/src/embedders/builtin-hashed.ts';
import type { Embedder } from '../apps/extproc/src/embedders/embedder.ts';
import { MANIFEST_FILE, MODEL_CATALOG, modelsRoot } from '../apps/extproc/src/embedders/model-catalog.ts';
import { OnnxLocalEmbedder, type OnnxLocalOptions } from '../apps/extproc/src/embedders/onnx-local.ts';
import { checkFalseHit } from '../apps/extproc/src/guard/false-hit-guard.ts';
import { createVerifier } from '../apps/extproc/src/verifier/create-verifier.ts';
import type { Verifier } from '../apps/extproc/src/verifier/verifier.ts';
import { quantile } from './lib/load.ts';
import { loadParaphrases } from './quality/datasets.ts';
import { markdownTable } from './quality/report.ts';

const quick = process.argv.includes('--quick');
const withVerifier = process.argv.includes('--verifier');
const threadsArg = process.argv.find((a) => a.startsWith('--threads='));
const threads = threadsArg ? Number(threadsArg.slice('--threads='.length)) : undefined;
const CONCURRENCY = [1, 16, 64];
const VARIANTS: Record<string, Partial<OnnxLocalOptions>> = {
  before: { lengthRuns: false, adaptiveWindow: false },
  after: {},
  'threads-2': { threads: 2 },
  'window-0': { batchWindowMs: 0 },
  'workers-2': { workers: 2 },
};
const compareArg = process.argv.find((a) => a === '--compare' || a.startsWith('--compare='));
const variants = compareArg === undefined ? ['after'] : compareArg === '--compare' ? ['before', 'after'] : compareArg.slice('--compare='.length).split(',');
for (const v of variants) if (!VARIANTS[v]) throw new Error(`unknown variant ${v}: one of ${Object.keys(VARIANTS).join(', ')}`);
const roundsArg = process.argv.find((a) => a.startsWith('--rounds='));
const rounds = roundsArg ? Number(roundsArg.slice('--rounds='.length)) : 1;
const secondsArg = process.argv.find((a) => a.startsWith('--seconds='));
const DURATION_MS = secondsArg ? 1000 * Number(secondsArg.slice('--seconds='.length)) : quick ? 500 : 5000;

const set = loadParaphrases({ limitPerFile: quick ? 200 : 1500 });
const answer = { response: '{"choices":[{}]}', contentType: 'application/json', usage: null };
const PARTITION = { model: 'm', tenant: null };
const req = (prompt: string): LookupRequest => ({ partition: PARTITION, endpoint: 'chat', prompt, fingerprint: 'fp', mode: 'normal' });

interface Subject { readonly name: string; readonly variant: string; readonly embedder: Embedder }

/** The built-in once; each installed ONNX model once per variant, all loaded up front so variants can alternate. */
async function subjects(): Promise<Subject[][]> {
  const out: Subject[][] = [[{ name: 'builtin-256', variant: '—', embedder: new BuiltinHashedEmbedder({ dimensions: 256 }) }]];
  for (const name of Object.keys(MODEL_CATALOG)) {
    if (!existsSync(join(modelsRoot(), name, MANIFEST_FILE))) {
      console.log(`(${name} is not installed: npm run model:install ${name})\n`);
      continue;
    }
    const group: Subject[] = [];
    for (const variant of variants) {
      const opts = { model: name, ...(threads === undefined ? {} : { threads }), ...VARIANTS[variant] };
      group.push({ name, variant, embedder: await OnnxLocalEmbedder.load(opts) });
    }
    out.push(group);
  }
  return out;
}

/** A fresh engine per run holding every stored origin, so that no query is an alias from an earlier run. */
function filledEngine(embedder: Embedder, vectors: readonly Float32Array[], verifier: Verifier | undefined): CacheEngine {
  const config = loadConfig({}, { 'defaults.maxEntries': 100_000, 'defaults.verifier': verifier !== undefined });
  const engine = new CacheEngine({ config, embedder, guard: checkFalseHit, ...(verifier ? { verifier } : {}) });
  engine.namespaces.resolve(PARTITION);
  set.stored.forEach((prompt, i) => {
    engine.store({ namespace: 'm', endpoint: 'chat', prompt, fingerprint: 'fp', vector: vectors[i]! }, answer);
  });
  return engine;
}

interface Sample { all: number[]; semantic: number[]; seconds: number }

async function measure(embedder: Embedder, vectors: readonly Float32Array[], verifier: Verifier | undefined, concurrency: number, into: Sample): Promise<void> {
  const engine = filledEngine(embedder, vectors, verifier);
  let next = 0;
  const started = performance.now();
  const end = started + DURATION_MS;
  const worker = async (): Promise<void> => {
    while (performance.now() < end && next < queries.length) {
      const q = queries[next++]!;
      const t0 = performance.now();
      const r = await engine.lookup(req(q));
      const ms = performance.now() - t0;
      into.all.push(ms);
      if (r.kind === 'hit' && r.outcome === 'semantic') into.semantic.push(ms);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  into.seconds += (performance.now() - started) / 1000;
}

const rows: string[][] = [];
const ratios: string[][] = [];
const queries = set.positives.map((p) => p.query);
const p50 = (xs: number[]): number => quantile([...xs].sort((a, b) => a - b), 0.5);
console.log(`# Embedding throughput through the cache engine${quick ? ' (quick)' : ''}\n`);
console.log(`${set.stored.length} cached prompts, ${queries.length} distinct paraphrase queries, ${DURATION_MS} ms per run, ` +
  `onnxruntime threads ${threads ?? 'default (1)'}, variants ${variants.join(', ')}, ${rounds} round(s), verifier ${withVerifier ? 'on (the default kind)' : 'off'}, Node ${process.version}\n`);
for (const group of await subjects()) {
  const vectors = await group[0]!.embedder.embed(set.stored);
  const verifier = withVerifier ? await createVerifier(loadConfig({}), group[0]!.embedder.identity) : undefined;
  if (verifier) console.log(`${group[0]!.name}: verifier ${verifier.id}\n`);
  for (const concurrency of CONCURRENCY) {
    const samples = group.map((): Sample => ({ all: [], semantic: [], seconds: 0 }));
    for (let r = 0; r < rounds; r++) for (const [i, s] of group.entries()) await measure(s.embedder, vectors, verifier, concurrency, samples[i]!);
    for (const [i, { name, variant }] of group.entries()) {
      const { all, semantic, seconds } = samples[i]!;
      all.sort((a, b) => a - b);
      rows.push([name, variant, String(concurrency), String(all.length), Math.round(all.length / seconds).toLocaleString('en'),
        quantile(all, 0.5).toFixed(2), quantile(all, 0.99).toFixed(2), String(semantic.length),
        semantic.length > 0 ? p50(semantic).toFixed(2) : '—']);
    }
    if (group.length > 1) {
      const rate = (s: Sample): number => s.all.length / s.seconds;
      const [base, ...rest] = samples;
      for (const [i, s] of rest.entries()) {
        ratios.push([group[0]!.name, `${group[i + 1]!.variant} / ${group[0]!.variant}`, String(concurrency),
          (rate(s) / rate(base!)).toFixed(2), (p50(s.all) / p50(base!.all)).toFixed(2), (p50(s.semantic) / p50(base!.semantic)).toFixed(2)]);
      }
    }
  }
  for (const s of group) await s.embedder.close?.();
  await verifier?.close?.();
}
console.log(markdownTable(['embedder', 'settings', 'concurrency', 'lookups', 'prompts/s', 'lookup p50 ms', 'lookup p99 ms', 'semantic hits', 'semantic-hit p50 ms'], rows));
if (ratios.length > 0) {
  console.log('\nRatios from the same run (variants alternating):\n');
  console.log(markdownTable(['embedder', 'ratio', 'concurrency', 'prompts/s', 'lookup p50', 'semantic-hit p50'], ratios));
}
