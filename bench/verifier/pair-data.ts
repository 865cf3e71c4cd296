import { createHash } from 'node:crypto';
import type { Embedder } from '../../apps/extproc/src/embedders/embedder.ts';
import { checkFalseHit } from '../../apps/extproc/src/guard/false-hit-guard.ts';
import type { PairVectors } from '../../apps/extproc/src/verifier/pair-features.ts';
import type { OutsidePair } from '../quality/outside-split.ts';
import { textVectors } from './text-vectors.ts';

export const pairKey = (p: OutsidePair): string => createHash('sha1').update(`${p.a}\n${p.b}`).digest('base64url').slice(0, 16);

/** One pair as the engine meets it: `a` stored, `b` asked; the vectors are the query's then the candidate's. */
export interface EmbeddedPair {
  readonly pair: OutsidePair;
  readonly similarity: number;
  readonly vectors: PairVectors;
}

const dot = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** Each pair's vectors under the embedder (from the cache of bench/verifier/text-vectors.ts) and their cosine. */
export async function embedPairs(embedder: Embedder, pairs: readonly OutsidePair[]): Promise<EmbeddedPair[]> {
  const vectors = await textVectors(embedder, pairs.flatMap((p) => [p.a, p.b]));
  return pairs.map((pair) => {
    const [q, c] = [vectors.get(pair.b)!, vectors.get(pair.a)!];
    return { pair, similarity: dot(q, c), vectors: [q, c] };
  });
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
