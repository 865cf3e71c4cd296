/** Decisions and checks per namespace, by similarity bin: their number is unbounded, their memory is not. */
const BIN = 0.0025;
const BINS = Math.round(2 / BIN) + 1;
/** Fewer checks than this above a similarity say nothing about it: the threshold stands. */
export const MIN_POOLED = 50;
/** One-sided 90%: the error estimate a namespace boundary must keep under δ. */
const Z = 1.2816;
/** Strata of 0.02 similarity: fine enough to follow the error's rise, coarse enough to hold checks. */
const STRATUM_BINS = 8;
/** How many checks the namespace-wide rate counts for in a stratum's estimate. */
const PRIOR_CHECKS = 2;

const binOf = (s: number): number => Math.min(BINS - 1, Math.max(0, Math.round((s + 1) / BIN)));
const simOf = (bin: number): number => bin * BIN - 1;

/** The upper end of the Wilson score interval of a proportion. */
export function wilsonUpper(wrong: number, n: number, z = Z): number {
  if (n === 0) return 1;
  const p = wrong / n;
  const z2 = z * z;
  return (p + z2 / (2 * n) + z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
}

/**
 * What a namespace's checks say about serving from a similarity up: the lowest similarity from which serving
 * every candidate would give a wrong answer to at most δ of the namespace's requests, at 90% confidence. New entries start
 * there, so an entry never checked inherits what its namespace learned; until enough checks, the threshold.
 */
export class PooledBoundary {
  readonly #decided = new Int32Array(BINS);
  readonly #correct = new Int32Array(BINS);
  readonly #wrong = new Int32Array(BINS);
  #decisions = 0;
  #lookups = 0;
  #checks = 0;
  #cached: { key: string; value: number } | null = null;

  /** Any lookup of the namespace: δ is a share of all requests, most of which never meet a candidate. */
  lookedUp(): void {
    this.#lookups++;
  }

  decided(similarity: number): void {
    this.#decided[binOf(similarity)]!++;
    this.#decisions++;
  }

  add(similarity: number, correct: boolean): void {
    (correct ? this.#correct : this.#wrong)[binOf(similarity)]!++;
    this.#checks++;
  }

  /** Fewer checks at and above the threshold than a boundary needs: the namespace is still learning. */
  learning(threshold: number): boolean {
    let n = 0;
    for (let bin = binOf(threshold); bin < BINS && n < MIN_POOLED; bin++) n += this.#correct[bin]! + this.#wrong[bin]!;
    return n < MIN_POOLED;
  }

  /**
   * The lowest similarity ≥ `floor` that keeps the error bound; the threshold while there are too few checks
   * at and above it; 1 (only what an entry's own checks confirm) when no similarity keeps it.
   */
  boundary(threshold: number, errorBound: number, floor: number): number {
    const key = `${this.#checks}:${this.#decisions}:${this.#lookups}:${threshold}:${errorBound}:${floor}`;
    const requests = Math.max(this.#lookups, this.#decisions);
    if (this.#cached?.key === key) return this.#cached.value;
    // Checks are dense where the policy hesitates and sparse where it serves: the error of each stratum of
    // similarity is weighted by the decisions in it, not by the checks. Each stratum's rate is shrunk towards
    // the upper bound of the rate of all checks (a prior worth PRIOR_CHECKS), so a stratum with few checks
    // counts as about as wrong as the namespace could be.
    let allChecks = 0, allWrong = 0;
    for (let bin = BINS - 1; bin >= 0 && simOf(bin) >= floor - BIN / 2; bin--) {
      allChecks += this.#correct[bin]! + this.#wrong[bin]!;
      allWrong += this.#wrong[bin]!;
    }
    const prior = wilsonUpper(allWrong, allChecks);
    let n = 0, mean = 0, variance = 0, checkedAboveThreshold = 0;
    let stratum = { n: 0, wrong: 0, decided: 0 };
    let best: number | null = null;
    const contribution = (st: typeof stratum) => {
      const p = (st.wrong + prior * PRIOR_CHECKS) / (st.n + PRIOR_CHECKS);
      return { mean: st.decided * p, variance: st.decided * st.decided * p * (1 - p) / (st.n + PRIOR_CHECKS + 1) };
    };
    for (let bin = BINS - 1; bin >= 0 && simOf(bin) >= floor - BIN / 2; bin--) {
      const checks = this.#correct[bin]! + this.#wrong[bin]!;
      n += checks;
      stratum = { n: stratum.n + checks, wrong: stratum.wrong + this.#wrong[bin]!, decided: stratum.decided + this.#decided[bin]! };
      if (simOf(bin) >= threshold - BIN / 2) checkedAboveThreshold = n;
      const open = contribution(stratum);
      const ucb = (mean + open.mean + Z * Math.sqrt(variance + open.variance)) / requests;
      // Only where something was checked: below the lowest check nothing is known.
      if (checks > 0 && n >= MIN_POOLED && ucb <= errorBound) best = simOf(bin);
      if ((BINS - 1 - bin) % STRATUM_BINS === STRATUM_BINS - 1) {
        mean += open.mean;
        variance += open.variance;
        stratum = { n: 0, wrong: 0, decided: 0 };
      }
    }
    const value = best ?? (checkedAboveThreshold < MIN_POOLED ? threshold : 1);
    this.#cached = { key, value };
    return value;
  }
}
