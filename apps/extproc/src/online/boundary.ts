import type { Observation } from '@semcache/shared';

/**
 * An entry's decision boundary b, learned from its observations: the similarity at which serving it is wrong
 * with probability δ. The model is vCache's: P(correct | s) = σ(slope · (s − b) + logit(1 − δ)), one sigmoid per
 * entry with a shared slope. b has a normal prior around the namespace's boundary (see PooledBoundary: a new
 * entry starts from what its namespace learned, the threshold before that) and its posterior is kept on a grid,
 * so a confidence bound is a sum, not a fit.
 */
export interface BoundaryParams {
  /** Steepness of P(correct | similarity), per unit of similarity: fitted on the outside train pairs. */
  slope: number;
  /** How far an entry's boundary may plausibly lie from the namespace's threshold (prior standard deviation). */
  priorSd: number;
  /** Serve only where the boundary is below the similarity with at least this posterior probability. */
  confidence: number;
  /** How far below the namespace's threshold a candidate may still be served once its entry has shown it can. */
  floorMargin: number;
  /** Served answers checked anyway, at random: keeps the namespace's error estimate honest where it serves. */
  auditRate: number;
}

/** Tuned on the outside train and tune parts with the built-in embedder (bench/online-verification.ts). */
export const DEFAULT_BOUNDARY_PARAMS: BoundaryParams = { slope: 40, priorSd: 0.01, confidence: 0.9, floorMargin: 0.15, auditRate: 0.01 };

const GRID_STEP = 0.0025;
/** The grid spans this many prior deviations (and the floor margin) on each side of the prior's centre. */
const GRID_SDS = 5;

export interface Boundary {
  /** P(b > s): the posterior probability that serving at similarity s exceeds the error bound. */
  unsafeAt(similarity: number): number;
  /** Posterior mean of the error of serving at similarity s. */
  errorAt(similarity: number): number;
  /** Posterior mean of b. */
  readonly mean: number;
  /** The similarity from which the entry serves without exploring: the `confidence` quantile of b. */
  readonly servesFrom: number;
  /** The highest similarity at which the entry's answer was seen to be wrong; -Infinity when never. */
  readonly wrongUpTo: number;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const logit = (p: number): number => Math.log(p / (1 - p));

export function learnBoundary(observations: readonly Observation[], center: number, errorBound: number, params: BoundaryParams): Boundary {
  const offset = logit(1 - errorBound);
  const span = GRID_SDS * params.priorSd + params.floorMargin;
  const lo = center - span;
  const n = Math.ceil((2 * span) / GRID_STEP) + 1;
  const grid = new Float64Array(n);
  const logw = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = lo + i * GRID_STEP;
    grid[i] = b;
    const z = (b - center) / params.priorSd;
    let lw = -0.5 * z * z;
    for (const o of observations) {
      const p = sigmoid(params.slope * (o.similarity - b) + offset);
      lw += Math.log(o.correct ? p : 1 - p);
    }
    logw[i] = lw;
  }
  let max = -Infinity;
  for (const lw of logw) max = Math.max(max, lw);
  const w = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i] = Math.exp(logw[i]! - max);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (w[i]! /= total) * grid[i]!;
  let servesFrom = grid[n - 1]!;
  for (let i = 0, acc = 0; i < n; i++) {
    acc += w[i]!;
    if (acc >= params.confidence) {
      servesFrom = grid[i]!;
      break;
    }
  }
  let wrongUpTo = -Infinity;
  for (const o of observations) if (!o.correct) wrongUpTo = Math.max(wrongUpTo, o.similarity);
  return {
    mean,
    servesFrom,
    wrongUpTo,
    unsafeAt(s) {
      let p = 0;
      for (let i = n - 1; i >= 0 && grid[i]! > s; i--) p += w[i]!;
      return p;
    },
    errorAt(s) {
      let e = 0;
      for (let i = 0; i < n; i++) e += w[i]! * (1 - sigmoid(params.slope * (s - grid[i]!) + offset));
      return e;
    },
  };
}
