/** One labelled pair as the cache sees it: `a` stored, `b` asked. */
export interface PairRecord {
  readonly same: boolean;
  readonly similarity: number;
  /** The guard lets `a` answer `b`. */
  readonly guardOk: boolean;
  /** The verifier's score; 1 when there is no verifier. */
  score: number;
}

export interface Quality {
  readonly threshold: number;
  readonly verifierThreshold: number;
  readonly recall: number;
  readonly precision: number;
  readonly falseHitRate: number;
  readonly hits: number;
}

/** The engine's decision for a pair: similarity at or above the threshold, the guard's consent, the verifier's. */
export const served = (r: PairRecord, threshold: number, verifierThreshold: number): boolean =>
  r.similarity >= threshold && r.guardOk && r.score >= verifierThreshold;

export function quality(records: readonly PairRecord[], threshold: number, verifierThreshold: number): Quality {
  let tp = 0, fp = 0, pos = 0, neg = 0;
  for (const r of records) {
    if (r.same) pos++;
    else neg++;
    if (!served(r, threshold, verifierThreshold)) continue;
    if (r.same) tp++;
    else fp++;
  }
  return {
    threshold, verifierThreshold,
    recall: pos === 0 ? 0 : tp / pos,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    falseHitRate: neg === 0 ? 0 : fp / neg,
    hits: tp + fp,
  };
}

const grid = (from: number, to: number, step: number): number[] =>
  Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => Math.round((from + i * step) * 1000) / 1000);

/** The settings with the best recall whose false-hit rate stays at or under the target. */
export function bestSettings(records: readonly PairRecord[], maxFalseHitRate: number, opts: { verifier: boolean }): Quality {
  let best: Quality | null = null;
  for (const t of grid(0.3, 0.99, 0.01)) {
    for (const v of opts.verifier ? grid(0.02, 0.99, 0.01) : [0]) {
      const q = quality(records, t, v);
      if (q.falseHitRate <= maxFalseHitRate && (best === null || q.recall > best.recall)) best = q;
    }
  }
  return best ?? quality(records, 1, 1);
}

/** The settings with the lowest false-hit rate whose recall reaches the target. */
export function settingsForRecall(records: readonly PairRecord[], minRecall: number, opts: { verifier: boolean }): Quality {
  let best: Quality | null = null;
  for (const t of grid(0.3, 0.99, 0.01)) {
    for (const v of opts.verifier ? grid(0.02, 0.99, 0.01) : [0]) {
      const q = quality(records, t, v);
      if (q.recall >= minRecall && (best === null || q.falseHitRate < best.falseHitRate)) best = q;
    }
  }
  return best ?? quality(records, 0, 0);
}
