/**
 * The outside pairs the way the cache meets them: `a` alone in an empty namespace, queried with `b`, answered when
 * similarity >= threshold and (with the guard) the guard lets the pair through, exactly the engine's decision.
 * Vectors are cached per embedder identity in a git-ignored folder, so reruns skip the embedding.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../../apps/extproc/src/embedders/embedder.ts';
import { checkFalseHit } from '../../apps/extproc/src/guard/false-hit-guard.ts';
import type { OutsidePair } from './outside-split.ts';

export interface ScoredPair {
  readonly pair: OutsidePair;
  readonly similarity: number;
  readonly guardAllows: boolean;
}

export interface OutsideMetrics {
  readonly threshold: number;
  /** Share of `same` pairs answered. */
  readonly recall: number;
  /** Share of not-same pairs answered. */
  readonly falseHitRate: number;
  readonly precision: number;
  readonly same: number;
  readonly different: number;
}

const CACHE_DIR = join(import.meta.dirname, '..', '.cache', 'outside-embeddings');
const BATCH = 64;

/** Embeds every distinct text once per embedder identity, reading and extending the on-disk cache. */
async function vectorsFor(embedder: Embedder, texts: readonly string[]): Promise<Map<string, Float32Array>> {
  const id = embedder.identity;
  const key = createHash('sha256').update(JSON.stringify(id)).digest('hex').slice(0, 16);
  const base = join(CACHE_DIR, `${id.provider}-${id.model.replaceAll('/', '_')}-${key}`);
  const out = new Map<string, Float32Array>();
  if (existsSync(`${base}.json`)) {
    const known = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as string[];
    const bytes = readFileSync(`${base}.f32`);
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const dims = all.length / Math.max(1, known.length);
    known.forEach((t, i) => out.set(t, all.subarray(i * dims, (i + 1) * dims)));
  }
  const missing = [...new Set(texts)].filter((t) => !out.has(t));
  for (let i = 0; i < missing.length; i += BATCH) {
    const chunk = missing.slice(i, i + BATCH);
    const vs = await embedder.embed(chunk);
    chunk.forEach((t, j) => out.set(t, vs[j]!));
  }
  if (missing.length > 0) {
    mkdirSync(CACHE_DIR, { recursive: true });
    const known = [...out.keys()];
    const dims = out.get(known[0]!)!.length;
    const all = new Float32Array(known.length * dims);
    known.forEach((t, i) => all.set(out.get(t)!, i * dims));
    writeFileSync(`${base}.json`, JSON.stringify(known));
    writeFileSync(`${base}.f32`, Buffer.from(all.buffer));
  }
  return out;
}

const dot = (x: Float32Array, y: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
};

/** A prompt past the embedder's token window never meets another semantically, as in the engine. */
export async function scoreOutside(embedder: Embedder, pairs: readonly OutsidePair[]): Promise<ScoredPair[]> {
  const fits = (t: string): boolean => embedder.fits?.(t) ?? true;
  const vectors = await vectorsFor(embedder, pairs.flatMap((p) => [p.a, p.b]).filter(fits));
  return pairs.map((pair) => ({
    pair,
    similarity: fits(pair.a) && fits(pair.b) ? dot(vectors.get(pair.a)!, vectors.get(pair.b)!) : -1,
    // The engine asks the guard with the query first and the cached prompt second.
    guardAllows: checkFalseHit(pair.b, pair.a) === null,
  }));
}

export function outsideMetrics(scored: readonly ScoredPair[], threshold: number, guard: boolean): OutsideMetrics {
  let same = 0, different = 0, hitsSame = 0, hitsDifferent = 0;
  for (const s of scored) {
    const answered = s.similarity >= threshold && (!guard || s.guardAllows);
    if (s.pair.same) {
      same++;
      if (answered) hitsSame++;
    } else {
      different++;
      if (answered) hitsDifferent++;
    }
  }
  const answered = hitsSame + hitsDifferent;
  return {
    threshold,
    recall: same === 0 ? 0 : hitsSame / same,
    falseHitRate: different === 0 ? 0 : hitsDifferent / different,
    precision: answered === 0 ? 1 : hitsSame / answered,
    same,
    different,
  };
}

/** The threshold with the best recall (guard on) whose false-hit rate stays within the budget. */
export function chooseOutsideThreshold(scored: readonly ScoredPair[], maxFalseHitRate: number, thresholds: readonly number[]): OutsideMetrics | null {
  let best: OutsideMetrics | null = null;
  for (const t of thresholds) {
    const m = outsideMetrics(scored, t, true);
    if (m.falseHitRate > maxFalseHitRate) continue;
    if (!best || m.recall > best.recall) best = m;
  }
  return best;
}
