/**
 * Targeted invalidation in the cache engine, per namespace size: a dry run by tag and by similarity to a
 * prompt (every entry compared), a real eviction of the tagged tenth, and the epoch flush: the bump itself
 * (what the request path waits for: nothing), the background reclaim in batches (its longest batch is the
 * longest the event loop is held) and, for comparison, the plain flush that empties the namespace at once.
 *   node bench/invalidation.ts [--quick] [--sizes=1000,10000,30000]
 */
import { performance } from 'node:perf_hooks';
import type { Embedder } from '../apps/extproc/src/embedders/embedder.ts';
import { CacheEngine } from '../apps/extproc/src/cache/cache-engine.ts';
import { EngineAdmin } from '../apps/extproc/src/cache/engine-admin.ts';
import { loadConfig } from '../apps/extproc/src/config/load-config.ts';
import { markdownTable } from './lib/markdown-table.ts';
import { gaussian, randomUnit, seededRandom } from './lib/random-vectors.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = args.includes('--quick');
const SIZES = flag('sizes')?.split(',').map(Number) ?? (quick ? [1000] : [1000, 10_000, 30_000]);
const DIMENSIONS = 384;
/** The engine admin's own batch, so the longest batch here is the stall a real flush causes. */
const RECLAIM_BATCH = 100;
const BUMPS = 10_000;

const normal = gaussian(seededRandom(7));
/** Any prompt embeds to a fresh random direction: the similarity selector's cost does not depend on its value. */
const embedder: Embedder = {
  identity: { provider: 'bench', model: 'random', version: '1', dimensions: DIMENSIONS },
  defaultThreshold: 0.9,
  embed: async (texts) => texts.map(() => randomUnit(DIMENSIONS, normal)),
};

function filled(n: number): { engine: CacheEngine; admin: EngineAdmin } {
  const engine = new CacheEngine({ config: loadConfig({}, { 'defaults.maxEntries': n, maxEntriesTotal: n }), embedder });
  engine.namespaces.resolve({ model: 'm', tenant: null });
  const answer = { response: '{"choices":[]}', contentType: 'application/json', usage: null, modelRevision: 'm-2024-08-06' };
  for (let i = 0; i < n; i++) {
    const prompt = `question number ${i}`;
    engine.store({
      namespace: 'm', endpoint: 'chat', prompt, fingerprint: 'fp',
      vector: randomUnit(DIMENSIONS, normal), tags: i % 10 === 0 ? ['hot', 'release-5'] : ['release-5'],
    }, answer);
  }
  return { engine, admin: new EngineAdmin(engine) };
}

async function timed<T>(f: () => T | Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await f();
  return [out, performance.now() - t0];
}

const ms = (v: number): string => (v < 10 ? v.toFixed(2) : v.toFixed(0));
const rows: string[][] = [];
console.log(`# Targeted invalidation${quick ? ' (quick)' : ''}\n`);
console.log(`${DIMENSIONS}-dimension vectors, one namespace, a tenth of the entries tagged "hot", Node ${process.version}\n`);
for (const n of SIZES) {
  process.stderr.write(`filling ${n} entries\n`);
  const { engine, admin } = filled(n);
  const ns = engine.namespaces.get('m');
  const [byTag, tagMs] = await timed(() => admin.evictSelected('m', { tags: ['hot'] }, { dryRun: true, sample: 10 }));
  const [, similarMs] = await timed(() => admin.evictSelected('m', { similarTo: { prompt: 'any', minSimilarity: 0.5 } }, { dryRun: true, sample: 10 }));
  const [evicted, evictMs] = await timed(() => admin.evictSelected('m', { tags: ['hot'] }, { dryRun: false, sample: 0 }));
  if (evicted.evicted.length !== byTag.matched) throw new Error('the eviction took other entries than its dry run showed');

  const superseded = engine.bumpEpoch(ns);
  // The mean of many, without an await around them: one is below the timer's and a microtask turn's resolution.
  const t0 = performance.now();
  for (let i = 0; i < BUMPS; i++) engine.bumpEpoch(ns);
  const bumpMs = (performance.now() - t0) / BUMPS;
  if (superseded !== n - byTag.matched) throw new Error('the bump did not supersede every entry');
  const [, clearMs] = await timed(() => reclaimAll(engine, 'm'));

  // An answer stored between the bump and the reclaim: the superseded entries then go one by one, in batches.
  const busy = filled(n);
  busy.engine.bumpEpoch(busy.engine.namespaces.get('m'));
  busy.engine.store({ namespace: 'm', endpoint: 'chat', prompt: 'new', fingerprint: 'fp', vector: randomUnit(DIMENSIONS, normal) },
    { response: '{}', contentType: 'application/json', usage: null });
  const [longest, batchedMs] = await timed(() => reclaimAll(busy.engine, 'm'));

  const again = filled(n);
  const [, flushMs] = await timed(() => again.admin.flushNamespace('m'));
  rows.push([n.toLocaleString('en'), ms(tagMs), ms(similarMs), ms(evictMs), (bumpMs * 1000).toFixed(1), ms(clearMs), ms(batchedMs), ms(longest), ms(flushMs)]);
}
console.log(markdownTable(
  ['entries', 'dry run by tag ms', 'dry run by similarity ms', 'evict tagged 10% ms', 'epoch bump µs', 'reclaim, none stored since ms',
    'reclaim, one stored since ms', 'longest batch ms', 'plain flush ms'],
  rows, [0, 1, 2, 3, 4, 5, 6, 7, 8],
));

/** Reclaims as the engine admin does after a bump, batch by batch; returns the longest batch in ms. */
function reclaimAll(engine: CacheEngine, name: string): number {
  const ns = engine.namespaces.get(name);
  let longest = 0;
  for (;;) {
    const t0 = performance.now();
    const removed = engine.reclaimSuperseded(ns, RECLAIM_BATCH);
    longest = Math.max(longest, performance.now() - t0);
    if (removed === 0) break;
  }
  if (ns.size !== ns.currentSize) throw new Error('the reclaim left superseded entries behind');
  return longest;
}
