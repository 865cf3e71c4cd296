/**
 * L2-regularised logistic regression fitted by full-batch gradient descent with Adam, on standardised
 * features. Small enough to read; the data (tens of thousands of pairs, 30 features) fits in a second.
 */
export interface LogisticFit {
  readonly mean: number[];
  readonly scale: number[];
  readonly weights: number[];
  readonly bias: number;
}

export function fitLogistic(xs: readonly Float64Array[], ys: readonly number[], opts: { l2?: number; epochs?: number; rate?: number } = {}): LogisticFit {
  const { l2 = 1e-3, epochs = 600, rate = 0.05 } = opts;
  const n = xs.length;
  const d = xs[0]!.length;
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (const x of xs) for (let j = 0; j < d; j++) mean[j]! += x[j]! / n;
  for (const x of xs) for (let j = 0; j < d; j++) scale[j]! += (x[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j]!) || 1;
  const zs = xs.map((x) => Float64Array.from(x, (v, j) => (v - mean[j]!) / scale[j]!));

  const w = new Float64Array(d + 1);
  const m = new Float64Array(d + 1);
  const v = new Float64Array(d + 1);
  const grad = new Float64Array(d + 1);
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      const z = zs[i]!;
      let s = w[d]!;
      for (let j = 0; j < d; j++) s += w[j]! * z[j]!;
      const err = 1 / (1 + Math.exp(-s)) - ys[i]!;
      for (let j = 0; j < d; j++) grad[j]! += (err * z[j]!) / n;
      grad[d]! += err / n;
    }
    for (let j = 0; j < d; j++) grad[j]! += l2 * w[j]!;
    for (let j = 0; j <= d; j++) {
      m[j] = b1 * m[j]! + (1 - b1) * grad[j]!;
      v[j] = b2 * v[j]! + (1 - b2) * grad[j]! ** 2;
      const mh = m[j]! / (1 - b1 ** epoch);
      const vh = v[j]! / (1 - b2 ** epoch);
      w[j] = w[j]! - (rate * mh) / (Math.sqrt(vh) + eps);
    }
  }
  return { mean, scale, weights: [...w.subarray(0, d)], bias: w[d]! };
}
