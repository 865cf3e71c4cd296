import type { Verifier } from '../verifier.ts';

/**
 * Thresholds for the NLI verifier chosen on a fixed sample of the outside pairs' tune part (best recall at a
 * false-hit rate of at most 0.015, as for the learned verifier), per embedder: `node bench/verifier-quality.ts --nli`.
 */
export const NLI_TUNED: Readonly<Record<string, { alone: Verifier['tuned']; afterClassifier: Verifier['tuned'] }>> = {};
