/**
 * Semantic lookups through the real cache engine, per embedder, at concurrency 1, 16 and 64: prompts per second
 * (every lookup embeds its prompt), lookup p50/p99 and the p50 of semantic hits alone. The cache holds the
 * shared paraphrase origins; each query is a paraphrase never asked before, so no lookup takes the exact tier.
 * Load generator and engine share the process and the two cores, as the ext_proc server would.
 *   npm run bench:embed-throughput [-- --quick] [-- --threads=N]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CacheEngine, type LookupRequest } from '../apps/extproc/src/cache/cache-engine.ts';
import { exactKeyOf } from '../apps/extproc/src/cache/normalize.ts';
import { loadConfig } from '../apps/extproc/src/config/load-config.ts';
import { BuiltinHashedEmbedder } from '../apps/extproc/src/embedders/builtin-hashed.ts';
import type { Embedder } from '../apps/extproc/src/embedders/embedder.ts';
import { MANIFEST_FILE, MODEL_CATALOG, modelsRoot } from '../apps/extproc/src/embedders/model-catalog.ts';
import { OnnxLocalEmbedder } from '../apps/extproc/src/embedders/onnx-local.ts';
import { checkFalseHit } from '../apps/extproc/src/guard/false-hit-guard.ts';
import { quantile } from './lib/load.ts';
import { loadParaphrases } from './quality/datasets.ts';
import { markdownTable } from './quality/report.ts';

const quick = process.argv.includes('--quick');
const threadsArg = process.argv.find((a) => a.startsWith('--threads='));
const threads = threadsArg ? Number(threadsArg.slice('--threads='.length)) : undefined;
const CONCURRENCY = [1, 16, 64];
const DURATION_MS = quick ? 500 : 5000;

const set = loadParaphrases({ limitPerFile: quick ? 200 : 1500 });
const answer = { response: '{"choices":[{}]}', contentType: 'application/json', usage: null };
const PARTITION = { model: 'm', tenant: null };
const req = (prompt: string): LookupRequest => ({ partition: PARTITION, endpoint: 'chat', prompt, fingerprint: 'fp', mode: 'normal' });

async function embedders(): Promise<{ name: string; embedder: Embedder }[]> {
  const out: { name: string; embedder: Embedder }[] = [{ name: 'builtin-256', embedder: new BuiltinHashedEmbedder({ dimensions: 256 }) }];
  for (const name of Object.keys(MODEL_CATALOG)) {
    if (!existsSync(join(modelsRoot(), name, MANIFEST_FILE))) {
      console.log(`(${name} is not installed: npm run model:install ${name})\n`);
      continue;
    }
    out.push({ name, embedder: await OnnxLocalEmbedder.load({ model: name, ...(threads === undefined ? {} : { threads }) }) });
  }
  return out;
}

/** A fresh engine per run holding every stored origin, so that no query is an alias from an earlier run. */
function filledEngine(embedder: Embedder, vectors: readonly Float32Array[]): CacheEngine {
  const engine = new CacheEngine({ config: loadConfig({}, { 'defaults.maxEntries': 100_000 }), embedder, guard: checkFalseHit });
  engine.namespaces.resolve(PARTITION);
  set.stored.forEach((prompt, i) => {
    engine.store({ namespace: 'm', endpoint: 'chat', prompt, fingerprint: 'fp', exactKey: exactKeyOf('fp', prompt), vector: vectors[i]! }, answer);
  });
  return engine;
}

const rows: string[][] = [];
const queries = set.positives.map((p) => p.query);
console.log(`# Embedding throughput through the cache engine${quick ? ' (quick)' : ''}\n`);
console.log(`${set.stored.length} cached prompts, ${queries.length} distinct paraphrase queries, ${DURATION_MS} ms per run, ` +
  `onnxruntime threads ${threads ?? 'default (1)'}, Node ${process.version}\n`);
for (const { name, embedder } of await embedders()) {
  const vectors = await embedder.embed(set.stored);
  for (const concurrency of CONCURRENCY) {
    const engine = filledEngine(embedder, vectors);
    let next = 0;
    const all: number[] = [];
    const semantic: number[] = [];
    const started = performance.now();
    const end = started + DURATION_MS;
    const worker = async (): Promise<void> => {
      while (performance.now() < end && next < queries.length) {
        const q = queries[next++]!;
        const t0 = performance.now();
        const r = await engine.lookup(req(q));
        const ms = performance.now() - t0;
        all.push(ms);
        if (r.kind === 'hit' && r.outcome === 'semantic') semantic.push(ms);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    all.sort((a, b) => a - b);
    semantic.sort((a, b) => a - b);
    rows.push([name, String(concurrency), String(all.length), Math.round(all.length / seconds).toLocaleString('en'),
      quantile(all, 0.5).toFixed(2), quantile(all, 0.99).toFixed(2), String(semantic.length),
      semantic.length > 0 ? quantile(semantic, 0.5).toFixed(2) : '—']);
  }
  await embedder.close?.();
}
console.log(markdownTable(['embedder', 'concurrency', 'lookups', 'prompts/s', 'lookup p50 ms', 'lookup p99 ms', 'semantic hits', 'semantic-hit p50 ms'], rows));
