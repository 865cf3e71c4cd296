import type { Verifier } from '../verifier.ts';

/**
 * Thresholds for the cross-encoder verifier chosen on all 10,589 tune pairs (best recall at a false-hit rate of at
 * most 0.015, the learned verifier's rule), per embedder: `node bench/verifier-quality.ts --cross-encoder` with the
 * committed model (sha256 702b26f8...). Without an entry the namespace's own thresholds apply, and the engine's
 * fallback where it sets none. `afterClassifier` is for `pair-classifier+cross-encoder` and `auto`.
 */
export const CROSS_ENCODER_TUNED: Readonly<Record<string, { alone: Verifier['tuned']; afterClassifier: Verifier['tuned'] }>> = {
  'onnx-local/all-minilm-l6-v2-int8': {
    alone: { candidateThreshold: 0.71, verifierThreshold: 0.89 },
    afterClassifier: { candidateThreshold: 0.3, verifierThreshold: 0.46 },
  },
};
