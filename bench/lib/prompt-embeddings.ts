/**
 * Real prompts and their real model embeddings for the index-scale benchmark: distinct questions from the
 * outside Quora pairs and the paraphrase sets (../shared/data), embedded once with the installed MiniLM model
 * and kept in a git-ignored cache, so a rerun reads them in a second instead of embedding for minutes.
 *   node bench/lib/prompt-embeddings.ts [--count=20000]   (fills the cache; the benchmark calls it too)
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxLocalEmbedder } from '../../apps/extproc/src/embedders/onnx-local.ts';
import { SHARED_DATA } from '../quality/datasets.ts';

const DATA = SHARED_DATA;
const CACHE_DIR = join(import.meta.dirname, '..', '..', '.cache', 'index-scale');
const MODEL = 'all-minilm-l6-v2-int8';
const BATCH = 256;

export interface PromptVectors {
  readonly model: string;
  readonly dimensions: number;
  readonly prompts: readonly string[];
  /** prompts.length rows of `dimensions` values, unit length. */
  readonly vectors: Float32Array;
  /** For each row, the row of a labelled duplicate of it (a true paraphrase), or -1. */
  readonly paraphraseOf: Int32Array;
}

/** Distinct prompts, paraphrase pairs first so that both sides of as many pairs as possible are in. */
export function readPrompts(count: number): { prompts: string[]; pairs: [string, string][] } {
  const pairs: [string, string][] = [];
  const qqp = JSON.parse(readFileSync(join(DATA, 'outside', 'qqp_labelled.json'), 'utf8')) as { a: string; b: string; same: boolean }[];
  for (const p of qqp) if (p.same) pairs.push([p.a, p.b]);
  for (const file of ['paraphrase_pairs_qqp.json', 'paraphrase_pairs_docs.json']) {
    const list = JSON.parse(readFileSync(join(DATA, file), 'utf8')) as { origin: string; similar: string }[];
    for (const p of list) pairs.push([p.origin, p.similar]);
  }
  const seen = new Set<string>();
  const add = (t: string): void => {
    if (seen.size < count && t.trim() !== '' && t.length <= 250) seen.add(t);
  };
  for (const [a, b] of pairs) {
    if (seen.size + 2 > count) break;
    add(a);
    add(b);
  }
  for (const p of qqp) {
    add(p.a);
    add(p.b);
  }
  return { prompts: [...seen], pairs };
}

export async function promptVectors(count: number): Promise<PromptVectors> {
  const { prompts, pairs } = readPrompts(count);
  const key = createHash('sha256').update(JSON.stringify([MODEL, prompts])).digest('hex').slice(0, 16);
  const base = join(CACHE_DIR, `${MODEL}-${prompts.length}-${key}`);
  let vectors: Float32Array;
  if (existsSync(`${base}.f32`)) {
    const bytes = readFileSync(`${base}.f32`);
    vectors = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  } else {
    const embedder = await OnnxLocalEmbedder.load({ model: MODEL, maxBatch: 64 });
    const dims = embedder.identity.dimensions;
    vectors = new Float32Array(prompts.length * dims);
    for (let i = 0; i < prompts.length; i += BATCH) {
      const out = await embedder.embed(prompts.slice(i, i + BATCH));
      out.forEach((v, j) => vectors.set(v, (i + j) * dims));
      if (i % (BATCH * 20) === 0) process.stderr.write(`embedded ${i + out.length} of ${prompts.length} prompts\n`);
    }
    await embedder.close();
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(`${base}.f32`, Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength));
  }
  const dimensions = vectors.length / prompts.length;
  const row = new Map(prompts.map((p, i) => [p, i]));
  const paraphraseOf = new Int32Array(prompts.length).fill(-1);
  for (const [a, b] of pairs) {
    const ia = row.get(a);
    const ib = row.get(b);
    if (ia === undefined || ib === undefined || ia === ib) continue;
    if (paraphraseOf[ia] === -1) paraphraseOf[ia] = ib;
    if (paraphraseOf[ib] === -1) paraphraseOf[ib] = ia;
  }
  return { model: MODEL, dimensions, prompts, vectors, paraphraseOf };
}

if (import.meta.main) {
  const count = Number(process.argv.find((a) => a.startsWith('--count='))?.slice(8) ?? 20_000);
  const t0 = Date.now();
  const got = await promptVectors(count);
  console.log(`${got.prompts.length} prompts, ${got.dimensions} dims, ${got.paraphraseOf.filter((x) => x >= 0).length} with a paraphrase, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
