import { join } from 'node:path';
import type { Config, EmbedderIdentity } from '@semcache/shared';
import { DEFAULT_NLI_MODEL, modelsRoot } from '../embedders/model-catalog.ts';
import { ChainedVerifier } from './chained-verifier.ts';
import { NLI_TUNED } from './nli/nli-tuned.ts';
import { NliVerifier } from './nli/nli-verifier.ts';
import { embedderName, PairClassifier } from './pair-classifier.ts';
import type { Verifier } from './verifier.ts';

/**
 * The verifier `verifierModel.kind` names, loaded before the ports open: a missing NLI model file stops start-up
 * with its name. Thresholds tuned for another embedder are not used (the namespace keeps its own).
 */
export async function createVerifier(config: Config, embedder: EmbedderIdentity): Promise<Verifier> {
  const opts = config.verifierModel;
  const learned = PairClassifier.forEmbedder(embedder);
  if (opts.kind === 'pair-classifier') return learned;
  const tuned = NLI_TUNED[embedderName(embedder)];
  const nli = await NliVerifier.load({
    dir: opts.nliModelDir ?? join(modelsRoot(), DEFAULT_NLI_MODEL),
    threads: opts.threads,
    batchWindowMs: opts.batchWindowMs,
    maxBatch: opts.maxBatch,
    maxQueued: opts.maxQueued,
    tuned: tuned?.alone ?? null,
  });
  if (opts.kind === 'nli') return nli;
  // The classifier keeps its own tuned operating point, or the engine's fallback where it has none.
  return new ChainedVerifier(learned, learned.tuned?.verifierThreshold ?? 0.5, nli, tuned?.afterClassifier ?? learned.tuned);
}
