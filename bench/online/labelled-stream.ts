import type { Embedder } from '../../apps/extproc/src/embedders/embedder.ts';
import { checkFalseHit } from '../../apps/extproc/src/guard/false-hit-guard.ts';
import { seededRandom } from '../../apps/extproc/src/online/online-policy.ts';
import type { OutsidePair } from '../quality/outside-split.ts';

/**
 * One request of the replayed stream: `query` is asked while `cached` is in the cache (stored when first seen).
 * `same` is the label: whether the model's answer to the query is the cached answer.
 */
export interface StreamRequest {
  cached: string;
  query: string;
  similarity: number;
  same: boolean;
  /** The false-hit guard lets the pair through, as the engine asks it (query first). */
  guardAllows: boolean;
}

/**
 * The labelled pairs as a stream, in a seeded order: each pair is a request for `b` while `a` is cached, the
 * outside-eval protocol, with the label as the model's answer. A prompt in several pairs is one entry that
 * several requests meet, so its own observations accumulate as they would in traffic.
 */
export async function labelledStream(pairs: readonly OutsidePair[], embedder: Embedder, seed: number): Promise<StreamRequest[]> {
  const order = [...pairs];
  const random = seededRandom(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const distinct = [...new Set(order.flatMap((p) => [p.a, p.b]))];
  const vectors = new Map<string, Float32Array>();
  for (let i = 0; i < distinct.length; i += 256) {
    const batch = distinct.slice(i, i + 256);
    (await embedder.embed(batch)).forEach((v, j) => vectors.set(batch[j]!, v));
  }
  return order.map((p) => {
    const [x, y] = [vectors.get(p.a)!, vectors.get(p.b)!];
    let similarity = 0;
    for (let i = 0; i < x.length; i++) similarity += x[i]! * y[i]!;
    return { cached: p.a, query: p.b, similarity, same: p.same, guardAllows: checkFalseHit(p.b, p.a) === null };
  });
}
