/**
 * Child side of index-churn.test.ts: drives the cache engine through one churn pattern of normal traffic and
 * prints each step before it runs, so that the parent, which kills it on a time limit, can say where it hung.
 *   node index-churn-child.ts <evict|expire|replace> <operations>
 * Exits 0 after the last step, printing the removals by reason; 3 when the index disagrees with the entries (a removed key is still there).
 */
import { writeSync } from 'node:fs';
import { loadConfig } from '../src/config/load-config.ts';
import { CacheEngine, type LookupRequest } from '../src/cache/cache-engine.ts';
import { BuiltinHashedEmbedder } from '../src/embedders/builtin-hashed.ts';

const [pattern = 'evict', opsArg = '2000'] = process.argv.slice(2);
const ops = Number(opsArg);
const MAX_ENTRIES = 4;
const TTL_SECONDS = 60;
const say = (line: string) => writeSync(1, `${line}\n`);

let now = 1_000_000;
const config = loadConfig({}, { 'defaults.maxEntries': MAX_ENTRIES, 'defaults.ttlSeconds': TTL_SECONDS, 'defaults.clientControls': 'all' });
const engine = new CacheEngine({ config, embedder: new BuiltinHashedEmbedder({ dimensions: 384 }), now: () => now });
/** Removals by reason: the parent checks that the pattern churned the index as meant. */
const removals: Record<string, number> = {};
engine.onChange((c) => { if (c.type === 'remove') removals[c.reason] = (removals[c.reason] ?? 0) + 1; });
const answer = { response: '{"choices":[{}]}', contentType: 'application/json', usage: null };
const req = (prompt: string, mode: LookupRequest['mode'] = 'normal'): LookupRequest => ({
  partition: { model: 'm', tenant: null }, endpoint: 'chat', prompt, fingerprint: 'fp', mode,
});
/** Distinct prompts, each far enough from the others to be its own entry. */
const prompt = (i: number) => `question number ${i} about topic ${(i * 7919) % 1009} and item ${i % 13}`;

async function step(op: number): Promise<void> {
  const text = pattern === 'replace' ? prompt(op % MAX_ENTRIES) : prompt(op);
  // replace: every lookup refreshes one of a few prompts, so its entry is removed and added again.
  const r = await engine.lookup(req(text, pattern === 'replace' ? 'refresh' : 'normal'));
  if (r.kind === 'miss' && r.pending) engine.store(r.pending, answer);
  // expire: every entry has expired by the next lookup, which finds it among the candidates and removes it.
  if (pattern === 'expire') now += TTL_SECONDS * 1000 + 1;
}

/** Every neighbour the index returns must be a live entry: a ghost means remove did not remove. */
function checkIndex(op: number): void {
  const ns = engine.namespaces.find('m');
  if (!ns) return;
  const probe = ns.entries().next().value?.vector ?? new Float32Array(384).fill(1 / Math.sqrt(384));
  const neighbours = ns.search(probe, 16);
  const ghosts = neighbours.filter((n) => ns.get(n.key) === undefined).length;
  if (ghosts > 0 || ns.size > MAX_ENTRIES) {
    say(`WRONG ${op}: ${ghosts} removed keys still in the index, ${ns.size} entries`);
    process.exit(3);
  }
}

for (let op = 1; op <= ops; op++) {
  say(`call ${op}`);
  await step(op);
  checkIndex(op);
  say(`done ${op}`);
}
say(`ok ${ops} ${JSON.stringify(removals)}`);
