import type { Verifier } from '../verifier.ts';

/**
 * Thresholds for the NLI verifier chosen on a fixed sample of 2,000 of the outside pairs' tune part (best recall at
 * a false-hit rate of at most 0.015, the learned verifier's rule), per embedder: `node bench/verifier-quality.ts
 * --nli 2000`. Without them the engine's fallback verifier threshold (0.5) would refuse nearly every paraphrase:
 * this model gives an entailing pair about 0.48 in each direction. `afterClassifier` is for `pair-classifier+nli`.
 */
export const NLI_TUNED: Readonly<Record<string, { alone: Verifier['tuned']; afterClassifier: Verifier['tuned'] }>> = {
  'onnx-local/all-minilm-l6-v2-int8': {
    alone: { candidateThreshold: 0.93, verifierThreshold: 0.06 },
    afterClassifier: { candidateThreshold: 0.3, verifierThreshold: 0.02 },
  },
};
