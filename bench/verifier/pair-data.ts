import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../../apps/extproc/src/embedders/embedder.ts';
import { checkFalseHit } from '../../apps/extproc/src/guard/false-hit-guard.ts';
import { embedderName } from '../../apps/extproc/src/verifier/pair-classifier.ts';
import type { OutsidePair } from '../quality/outside-split.ts';

/** Git-ignored: similarities of a slow embedder, so that retraining and reruns do not embed 100k texts again. */
export const CACHE_DIR = join(import.meta.dirname, '..', '.cache');
const BATCH = 64;

const pairKey = (p: OutsidePair): string => createHash('sha1').update(`${p.a}\n${p.b}`).digest('base64url').slice(0, 16);

/** Cosine similarity of each pair under the embedder; the built-in one is fast enough to need no cache. */
export async function pairSimilarities(embedder: Embedder, pairs: readonly OutsidePair[]): Promise<number[]> {
  const cacheFile = join(CACHE_DIR, `similarities-${embedderName(embedder.identity).replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  const useCache = embedder.identity.provider !== 'builtin';
  const cached: Record<string, number> = useCache && existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
  const missing = pairs.filter((p) => cached[pairKey(p)] === undefined);
  const texts = [...new Set(missing.flatMap((p) => [p.a, p.b]))];
  const vectors = new Map<string, Float32Array>();
  for (let i = 0; i < texts.length; i += BATCH) {
    const batch = texts.slice(i, i + BATCH);
    (await embedder.embed(batch)).forEach((v, j) => vectors.set(batch[j]!, v));
    if (useCache && i % (BATCH * 50) === 0 && i > 0) process.stderr.write(`embedded ${i}/${texts.length}\n`);
  }
  for (const p of missing) {
    const [a, b] = [vectors.get(p.a)!, vectors.get(p.b)!];
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
    cached[pairKey(p)] = s;
  }
  if (useCache && missing.length > 0) {
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(cacheFile, JSON.stringify(cached));
  }
  return pairs.map((p) => cached[pairKey(p)]!);
}

/** The guard's verdict with `a` stored and `b` asked, as the engine asks it. */
export const guardAllows = (p: OutsidePair): boolean => checkFalseHit(p.b, p.a) === null;
