/**
 * Where an onnx-local batch spends its time, in this thread (no worker): tokenising, the ONNX run alone
 * (session.run on the tokenizer's tensors), transformers.js's model call around it and the share of padded tokens;
 * the whole batch (tokenise, run, pool) as one padded run and cut into runs by length; then the same prompts as
 * concurrent calls to the embedder (batcher, worker, message passing).
 * Batches are random paraphrase queries, as the throughput benchmark sends them.
 *   node bench/embed-profile.ts [--model=all-minilm-l6-v2-int8] [--threads=1] [--reps=20]
 */
import type { Tensor } from '@huggingface/transformers';
import { resolveModelSource } from '../apps/extproc/src/embedders/model-source.ts';
import { OnnxLocalEmbedder } from '../apps/extproc/src/embedders/onnx-local.ts';
import { planRuns } from '../apps/extproc/src/embedders/length-runs.ts';
import { embedBatch, loadPipeline, RUN_COST_TOKENS } from '../apps/extproc/src/embedders/onnx-pipeline.ts';
import { quantile } from './lib/load.ts';
import { loadParaphrases } from './quality/datasets.ts';
import { markdownTable } from './quality/report.ts';

const arg = (name: string, fallback: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const model = arg('model', 'all-minilm-l6-v2-int8');
const threads = Number(arg('threads', '1'));
const reps = Number(arg('reps', '20'));
const SIZES = [1, 16, 32];

const queries = loadParaphrases({ limitPerFile: 1500 }).positives.map((p) => p.query);
const source = resolveModelSource({ model });
const p = await loadPipeline(source, threads);
const session = (p.model as unknown as { sessions: { model: { run: (f: Record<string, unknown>) => Promise<unknown> } } }).sessions.model;
const opts = { maxTokens: 256, dimensions: 384, tokenOutput: undefined };
const embedder = await OnnxLocalEmbedder.load({ model, threads });

const median = (xs: number[]): number => quantile([...xs].sort((a, b) => a - b), 0.5);
async function timed<T>(f: () => Promise<T> | T, into: number[]): Promise<T> {
  const t0 = performance.now();
  const out = await f();
  into.push(performance.now() - t0);
  return out;
}

const rows: string[][] = [];
let seed = 1;
const pick = (n: number): string[] => Array.from({ length: n }, () => queries[(seed = (seed * 48271) % 2147483647) % queries.length]!);
const share = (waste: number, all: number): string => `${Math.round((100 * waste) / all)}%`;
for (const size of SIZES) {
  const t = { tok: [] as number[], run: [] as number[], model: [] as number[], one: [] as number[], byLength: [] as number[], worker: [] as number[] };
  let real = 0;
  let padded = 0;
  let paddedByLength = 0;
  for (let r = 0; r < reps; r++) {
    const texts = pick(size);
    const inputs = await timed(() => p.tokenizer(texts, { padding: true, truncation: true, max_length: 256 }), t.tok);
    const mask = inputs.attention_mask as Tensor;
    const width = mask.dims[1]!;
    const lengths = texts.map((_, b) => (mask.data as BigInt64Array).subarray(b * width, (b + 1) * width).reduce((n, m) => n + Number(m), 0));
    real += lengths.reduce((a, b) => a + b, 0);
    padded += size * width;
    for (const run of planRuns(lengths, RUN_COST_TOKENS)) paddedByLength += run.length * Math.max(...run.map((i) => lengths[i]!));
    const feeds = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, (v as { ort_tensor: unknown }).ort_tensor]));
    await timed(() => session.run(feeds), t.run);
    await timed(() => p.model(inputs), t.model);
    await timed(() => embedBatch(p, texts, { ...opts, lengthRuns: false }), t.one);
    await timed(() => embedBatch(p, texts, { ...opts, lengthRuns: true }), t.byLength);
    await timed(() => Promise.all(texts.map((x) => embedder.embed([x]))), t.worker);
  }
  rows.push([String(size), median(t.tok).toFixed(2), median(t.run).toFixed(2), median(t.model).toFixed(2), share(padded - real, padded),
    median(t.one).toFixed(2), median(t.byLength).toFixed(2), share(paddedByLength - real, paddedByLength), median(t.worker).toFixed(2)]);
}
await embedder.close();
console.log(`# onnx-local profile: ${model}, ${threads} intra-op thread(s), median of ${reps} batches, Node ${process.version}\n`);
console.log(markdownTable(['batch', 'tokenise ms', 'session.run ms (one run)', 'model() ms (one run)', 'padding (one run)',
  'embedBatch ms (one run)', 'embedBatch ms (by length)', 'padding (by length)', 'embedder ms (worker, by length)'], rows));
