import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../../apps/extproc/src/embedders/embedder.ts';

/** Git-ignored: vectors of a slow embedder, so that retraining and reruns do not embed 100k texts again. */
const CACHE_DIR = join(import.meta.dirname, '..', '.cache', 'outside-embeddings');
const BATCH = 64;
/** Texts per saved step: an interrupted run keeps what it embedded, and rewriting the file stays rare. */
const SAVE_EVERY = 4000;

/** The same files as bench/quality/outside-eval.ts writes (texts in .json, vectors in .f32), so both reuse them. */
const cacheBase = (embedder: Embedder): string => {
  const id = embedder.identity;
  const key = createHash('sha256').update(JSON.stringify(id)).digest('hex').slice(0, 16);
  return join(CACHE_DIR, `${id.provider}-${id.model.replaceAll('/', '_')}-${key}`);
};

function readCache(base: string): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  if (!existsSync(`${base}.json`)) return out;
  const known = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as string[];
  const bytes = readFileSync(`${base}.f32`);
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const dims = all.length / Math.max(1, known.length);
  known.forEach((t, i) => out.set(t, all.subarray(i * dims, (i + 1) * dims)));
  return out;
}

function writeCache(base: string, vectors: ReadonlyMap<string, Float32Array>): void {
  const known = [...vectors.keys()];
  const dims = vectors.get(known[0]!)!.length;
  const all = new Float32Array(known.length * dims);
  known.forEach((t, i) => all.set(vectors.get(t)!, i * dims));
  mkdirSync(CACHE_DIR, { recursive: true });
  // Written aside then renamed: a run killed mid-write leaves the previous, consistent pair of files.
  writeFileSync(`${base}.f32.tmp`, Buffer.from(all.buffer));
  writeFileSync(`${base}.json.tmp`, JSON.stringify(known));
  renameSync(`${base}.f32.tmp`, `${base}.f32`);
  renameSync(`${base}.json.tmp`, `${base}.json`);
}

/**
 * The embedder's vector of every text, read from and added to the git-ignored cache; the built-in embedder is
 * fast enough to run each time. The verifier's vector features and the similarities come from these vectors.
 */
export async function textVectors(embedder: Embedder, texts: readonly string[]): Promise<Map<string, Float32Array>> {
  const cached = embedder.identity.provider !== 'builtin';
  const base = cacheBase(embedder);
  const out = cached ? readCache(base) : new Map<string, Float32Array>();
  const missing = [...new Set(texts)].filter((t) => !out.has(t));
  let unsaved = 0;
  for (let i = 0; i < missing.length; i += BATCH) {
    const chunk = missing.slice(i, i + BATCH);
    (await embedder.embed(chunk)).forEach((v, j) => out.set(chunk[j]!, v));
    unsaved += chunk.length;
    if (cached && (unsaved >= SAVE_EVERY || i + BATCH >= missing.length)) {
      writeCache(base, out);
      unsaved = 0;
      process.stderr.write(`${embedder.identity.model}: ${Math.min(i + BATCH, missing.length)}/${missing.length} texts embedded\n`);
    }
  }
  return out;
}
