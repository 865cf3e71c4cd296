import type { Verifier } from '../verifier.ts';

/**
 * Thresholds for the cross-encoder verifier chosen on the outside pairs' tune part (best recall at a false-hit rate
 * of at most 0.015, the learned verifier's rule), per embedder: `node bench/verifier-quality.ts --cross-encoder`.
 * None yet (the model is a development checkpoint): without an entry the namespace's own thresholds apply, and
 * the engine's fallback where it sets none. `afterClassifier` is for `pair-classifier+cross-encoder`.
 */
export const CROSS_ENCODER_TUNED: Readonly<Record<string, { alone: Verifier['tuned']; afterClassifier: Verifier['tuned'] }>> = {};
