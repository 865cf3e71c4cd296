import { z } from 'zod';

/**
 * A learned linear map of the embedding space, W = I + U V^T with U and V of d x r (row-major), fitted by
 * bench/verifier/adapter-train.ts so that cos(Wu, Wv) separates duplicates from the hard non-duplicates that
 * the embedder's own cosine rates as close. Starting from I, it is the embedder's cosine bent where it errs.
 */
export const AdapterSchema = z.object({
  dimensions: z.number().int().positive(),
  rank: z.number().int().positive(),
  u: z.array(z.number()),
  v: z.array(z.number()),
}).refine((a) => a.u.length === a.dimensions * a.rank && a.v.length === a.dimensions * a.rank, 'an adapter needs dimensions x rank values in u and in v');
export type Adapter = z.infer<typeof AdapterSchema>;

/** Wx, normalised; a stored entry's vector is projected once, as it recurs as a candidate. */
export class AdaptedSpace {
  readonly #a: Adapter;
  readonly #memo = new WeakMap<Float32Array, Float64Array>();

  constructor(adapter: Adapter) {
    this.#a = adapter;
  }

  get dimensions(): number {
    return this.#a.dimensions;
  }

  project(x: Float32Array): Float64Array {
    let out = this.#memo.get(x);
    if (out) return out;
    const { dimensions: d, rank: r, u, v } = this.#a;
    const z = new Float64Array(r);
    for (let i = 0; i < d; i++) for (let k = 0; k < r; k++) z[k]! += v[i * r + k]! * x[i]!;
    out = new Float64Array(d);
    let norm = 0;
    for (let i = 0; i < d; i++) {
      let s = x[i]!;
      for (let k = 0; k < r; k++) s += u[i * r + k]! * z[k]!;
      out[i] = s;
      norm += s * s;
    }
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < d; i++) out[i]! /= norm;
    this.#memo.set(x, out);
    return out;
  }

  cosine(a: Float32Array, b: Float32Array): number {
    const [pa, pb] = [this.project(a), this.project(b)];
    let s = 0;
    for (let i = 0; i < pa.length; i++) s += pa[i]! * pb[i]!;
    return s;
  }
}
