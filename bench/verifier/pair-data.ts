import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../../apps/extproc/src/embedders/embedder.ts';
import { checkFalseHit } from '../../apps/extproc/src/guard/false-hit-guard.ts';
import { embedderName } from '../../apps/extproc/src/verifier/pair-classifier.ts';
import type { OutsidePair } from '../quality/outside-split.ts';

/** Git-ignored: similarities of a slow embedder, so that retraining and reruns do not embed 100k texts again. */
export const CACHE_DIR = join(import.meta.dirname, '..', '.cache');
const BATCH = 32;

export const pairKey = (p: OutsidePair): string => createHash('sha1').update(`${p.a}\n${p.b}`).digest('base64url').slice(0, 16);

/** Pairs per saved step, so that an interrupted run keeps what it embedded. */
const CHUNK = 1000;

/** Cosine similarity of each pair under the embedder; the built-in one is fast enough to need no cache. */
export async function pairSimilarities(embedder: Embedder, pairs: readonly OutsidePair[]): Promise<number[]> {
  const cacheFile = join(CACHE_DIR, `similarities-${embedderName(embedder.identity).replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  const useCache = embedder.identity.provider !== 'builtin';
  const cached: Record<string, number> = useCache && existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
  const missing = pairs.filter((p) => cached[pairKey(p)] === undefined);
  for (let c = 0; c < missing.length; c += CHUNK) {
    const chunk = missing.slice(c, c + CHUNK);
    const texts = [...new Set(chunk.flatMap((p) => [p.a, p.b]))];
    const vectors = new Map<string, Float32Array>();
    for (let i = 0; i < texts.length; i += BATCH) {
      const batch = texts.slice(i, i + BATCH);
      (await embedder.embed(batch)).forEach((v, j) => vectors.set(batch[j]!, v));
    }
    for (const p of chunk) {
      const [a, b] = [vectors.get(p.a)!, vectors.get(p.b)!];
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
      cached[pairKey(p)] = s;
    }
    if (useCache) {
      mkdirSync(CACHE_DIR, { recursive: true });
      writeFileSync(cacheFile, JSON.stringify(cached));
      process.stderr.write(`${embedderName(embedder.identity)}: ${Math.min(c + CHUNK, missing.length)}/${missing.length} pairs embedded\n`);
    }
  }
  return pairs.map((p) => cached[pairKey(p)]!);
}

/**
 * A fixed sample of n pairs, the same in every script: the first n by a hash of the pair. Lets a slow embedder
 * train and report on part of the data; the report says how many pairs it saw.
 */
export function samplePairs(pairs: readonly OutsidePair[], n: number | undefined): OutsidePair[] {
  if (n === undefined || n >= pairs.length) return [...pairs];
  return pairs.map((p) => ({ p, k: pairKey(p) })).sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : 0)).slice(0, n).map((x) => x.p);
}

/** The guard's verdict with `a` stored and `b` asked, as the engine asks it. */
export const guardAllows = (p: OutsidePair): boolean => checkFalseHit(p.b, p.a) === null;
