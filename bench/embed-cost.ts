/**
 * Cost of the built-in embedder on one thread: time per prompt (p50/p99), prompts per second one at a time and
 * in batches, per dimension count. Prompts are the shared paraphrase data (QQP questions and docs sentences).
 */
import { BuiltinHashedEmbedder } from '../apps/extproc/src/embedders/builtin-hashed.ts';
import { loadParaphrases } from './quality/datasets.ts';
import { markdownTable } from './quality/report.ts';

const quick = process.argv.includes('--quick');
const BATCH = 64;
const set = loadParaphrases(quick ? { limitPerFile: 300 } : {});
const prompts = [...set.stored, ...set.positives.map((p) => p.query)];
const meanChars = prompts.reduce((s, p) => s + p.length, 0) / prompts.length;

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

async function measure(dimensions: number): Promise<string[]> {
  const t0 = performance.now();
  const embedder = new BuiltinHashedEmbedder({ dimensions });
  const startMs = performance.now() - t0;
  await embedder.embed(prompts.slice(0, 2000)); // warm up the JIT before timing
  const micros: number[] = [];
  const single0 = performance.now();
  for (const p of prompts) {
    const s = performance.now();
    await embedder.embed([p]);
    micros.push((performance.now() - s) * 1000);
  }
  const singleSeconds = (performance.now() - single0) / 1000;
  const batch0 = performance.now();
  for (let i = 0; i < prompts.length; i += BATCH) await embedder.embed(prompts.slice(i, i + BATCH));
  const batchSeconds = (performance.now() - batch0) / 1000;
  micros.sort((a, b) => a - b);
  return [String(dimensions), startMs.toFixed(2), percentile(micros, 0.5).toFixed(1), percentile(micros, 0.99).toFixed(1),
    Math.round(prompts.length / singleSeconds).toLocaleString('en'), Math.round(prompts.length / batchSeconds).toLocaleString('en')];
}

console.log(`# Built-in embedder cost${quick ? ' (quick)' : ''}\n`);
console.log(`${prompts.length} prompts, mean ${meanChars.toFixed(0)} characters, one thread, Node ${process.version}\n`);
const rows: string[][] = [];
for (const d of [256, 512, 1024]) rows.push(await measure(d));
console.log(markdownTable(['dims', 'construct ms', 'p50 µs', 'p99 µs', 'prompts/s (one at a time)', `prompts/s (batches of ${BATCH})`], rows));
