/**
 * A learned linear adapter of the embedding space, W = I + U V^T (rank r), fitted so that cos(Wu, Wv) separates
 * duplicates from hard non-duplicates: logistic loss on a * cos + b, mini-batch Adam, stopped early on a held-out
 * set. Starting from U = 0 starts from the embedder's own cosine; the low rank keeps a step at 4 r d
 * multiply-adds a pair instead of 4 d^2.
 */
import type { Adapter } from '../../apps/extproc/src/verifier/adapter.ts';
import { seededRandom } from '../lib/random-vectors.ts';

/** U and V while they are fitted: d x r each, row-major. */
interface Factors {
  readonly dimensions: number;
  readonly rank: number;
  readonly u: Float64Array;
  readonly v: Float64Array;
}

export interface AdapterFit {
  readonly adapter: Adapter;
  readonly epochs: number;
  readonly heldOutLoss: number;
}

export interface AdapterPair {
  readonly q: Float32Array;
  readonly c: Float32Array;
  readonly same: boolean;
}

/** Wx = x + U (V^T x), with z = V^T x kept for the gradient. */
function project(m: Factors, x: Float32Array, z: Float64Array, out: Float64Array): void {
  const { dimensions: d, rank: r } = m;
  z.fill(0);
  for (let i = 0; i < d; i++) for (let k = 0; k < r; k++) z[k]! += m.v[i * r + k]! * x[i]!;
  for (let i = 0; i < d; i++) {
    let s = x[i]!;
    for (let k = 0; k < r; k++) s += m.u[i * r + k]! * z[k]!;
    out[i] = s;
  }
}

const norm = (x: Float64Array): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0));

/** cos(Wq, Wc) for one pair. */
function adaptedCosine(m: Factors, q: Float32Array, c: Float32Array): number {
  const [z, a, b] = [new Float64Array(m.rank), new Float64Array(m.dimensions), new Float64Array(m.dimensions)];
  project(m, q, z, a);
  project(m, c, z, b);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s / (norm(a) * norm(b));
}

export function fitAdapter(train: readonly AdapterPair[], heldOut: readonly AdapterPair[], opts: { rank?: number; rate?: number; batch?: number; l2?: number; maxEpochs?: number; patience?: number } = {}): AdapterFit {
  const { rank: r = 32, rate = 2e-3, batch = 64, l2 = 1e-4, maxEpochs = 30, patience = 4 } = opts;
  const d = train[0]!.q.length;
  const rnd = seededRandom(7);
  const m: Factors = { dimensions: d, rank: r, u: new Float64Array(d * r), v: Float64Array.from({ length: d * r }, () => (rnd() - 0.5) * 0.1) };
  // Parameters: U, V, then the logistic scale and offset on the cosine.
  const n = 2 * d * r + 2;
  const params = new Float64Array(n);
  params[n - 2] = 10;
  params[n - 1] = -8;
  const grad = new Float64Array(n);
  const [mom, vel] = [new Float64Array(n), new Float64Array(n)];
  let t = 0;
  const sync = () => { m.u.set(params.subarray(0, d * r)); m.v.set(params.subarray(d * r, 2 * d * r)); };
  const [zq, zc, gzq, gzc] = [new Float64Array(r), new Float64Array(r), new Float64Array(r), new Float64Array(r)];
  const [a, b, ga, gb] = [new Float64Array(d), new Float64Array(d), new Float64Array(d), new Float64Array(d)];

  const loss = (pairs: readonly AdapterPair[]): number => {
    let sum = 0;
    for (const p of pairs) {
      const pr = 1 / (1 + Math.exp(-(params[n - 2]! * adaptedCosine(m, p.q, p.c) + params[n - 1]!)));
      sum -= p.same ? Math.log(Math.max(pr, 1e-12)) : Math.log(Math.max(1 - pr, 1e-12));
    }
    return sum / pairs.length;
  };

  const order = train.map((_, i) => i);
  let best = { loss: Infinity, epoch: 0, params: params.slice() };
  for (let epoch = 1; epoch <= maxEpochs && epoch - best.epoch <= patience; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const k = Math.floor(rnd() * (i + 1));
      [order[i], order[k]] = [order[k]!, order[i]!];
    }
    for (let start = 0; start < order.length; start += batch) {
      const end = Math.min(order.length, start + batch);
      grad.fill(0);
      for (let s = start; s < end; s++) {
        const p = train[order[s]!]!;
        project(m, p.q, zq, a);
        project(m, p.c, zc, b);
        const [na, nb] = [norm(a), norm(b)];
        let ab = 0;
        for (let i = 0; i < d; i++) ab += a[i]! * b[i]!;
        const cos = ab / (na * nb);
        const err = (1 / (1 + Math.exp(-(params[n - 2]! * cos + params[n - 1]!))) - Number(p.same)) / (end - start);
        grad[n - 2]! += err * cos;
        grad[n - 1]! += err;
        const g = err * params[n - 2]!;
        for (let i = 0; i < d; i++) {
          ga[i] = g * (b[i]! / (na * nb) - (cos * a[i]!) / (na * na));
          gb[i] = g * (a[i]! / (na * nb) - (cos * b[i]!) / (nb * nb));
        }
        gzq.fill(0);
        gzc.fill(0);
        for (let i = 0; i < d; i++) {
          for (let k = 0; k < r; k++) {
            grad[i * r + k]! += ga[i]! * zq[k]! + gb[i]! * zc[k]!;
            gzq[k]! += m.u[i * r + k]! * ga[i]!;
            gzc[k]! += m.u[i * r + k]! * gb[i]!;
          }
        }
        for (let i = 0; i < d; i++) {
          for (let k = 0; k < r; k++) grad[d * r + i * r + k]! += p.q[i]! * gzq[k]! + p.c[i]! * gzc[k]!;
        }
      }
      for (let i = 0; i < 2 * d * r; i++) grad[i]! += l2 * params[i]!;
      t++;
      for (let i = 0; i < n; i++) {
        mom[i] = 0.9 * mom[i]! + 0.1 * grad[i]!;
        vel[i] = 0.999 * vel[i]! + 0.001 * grad[i]! ** 2;
        params[i] = params[i]! - (rate * (mom[i]! / (1 - 0.9 ** t))) / (Math.sqrt(vel[i]! / (1 - 0.999 ** t)) + 1e-8);
      }
      sync();
    }
    const l = loss(heldOut);
    if (l < best.loss) best = { loss: l, epoch, params: params.slice() };
  }
  params.set(best.params);
  sync();
  return { adapter: { dimensions: d, rank: r, u: [...m.u], v: [...m.v] }, epochs: best.epoch, heldOutLoss: best.loss };
}
