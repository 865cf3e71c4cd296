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
  readonly dimensions: number;
  readonly #rank: number;
  // Typed copies, V transposed (r x d): each of V^T x's r sums then walks one contiguous row.
  readonly #u: Float32Array;
  readonly #vt: Float32Array;
  readonly #memo = new WeakMap<Float32Array, Float64Array>();

  constructor(adapter: Adapter) {
    this.dimensions = adapter.dimensions;
    this.#rank = adapter.rank;
    this.#u = Float32Array.from(adapter.u);
    const [d, r] = [adapter.dimensions, adapter.rank];
    this.#vt = new Float32Array(d * r);
    for (let i = 0; i < d; i++) for (let k = 0; k < r; k++) this.#vt[k * d + i] = adapter.v[i * r + k]!;
  }

  project(x: Float32Array): Float64Array {
    let out = this.#memo.get(x);
    if (out) return out;
    const [d, r, u, vt] = [this.dimensions, this.#rank, this.#u, this.#vt];
    const z = new Float64Array(r);
    for (let k = 0, row = 0; k < r; k++, row += d) {
      let s = 0;
      for (let i = 0; i < d; i++) s += vt[row + i]! * x[i]!;
      z[k] = s;
    }
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
