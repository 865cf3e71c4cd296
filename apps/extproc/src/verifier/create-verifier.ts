import { join } from 'node:path';
import type { Config, EmbedderIdentity } from '@semcache/shared';
import { DEFAULT_NLI_MODEL, modelsRoot } from '../embedders/model-catalog.ts';
import { ChainedVerifier } from './chained-verifier.ts';
import { CROSS_ENCODER_TUNED } from './cross-encoder/cross-encoder-tuned.ts';
import { CrossEncoderVerifier, DEFAULT_CROSS_ENCODER_DIR } from './cross-encoder/cross-encoder-verifier.ts';
import { NLI_TUNED } from './nli/nli-tuned.ts';
import { NliVerifier } from './nli/nli-verifier.ts';
import { embedderName, PairClassifier } from './pair-classifier.ts';
import type { Verifier } from './verifier.ts';

/**
 * The verifier `verifierModel.kind` names, loaded before the ports open: a missing cross-encoder model file stops
 * start-up with its name. Thresholds tuned for another embedder are not used (the namespace keeps its own).
 */
export async function createVerifier(config: Config, embedder: EmbedderIdentity): Promise<Verifier> {
  const opts = config.verifierModel;
  const learned = PairClassifier.forEmbedder(embedder);
  // auto: the chain only where it was measured with this embedder; elsewhere its thresholds would be guesses.
  const kind = opts.kind === 'auto' ? (CROSS_ENCODER_TUNED[embedderName(embedder)] ? 'pair-classifier+cross-encoder' : 'pair-classifier') : opts.kind;
  if (kind === 'pair-classifier') return learned;
  const run = { threads: opts.threads, batchWindowMs: opts.batchWindowMs, maxBatch: opts.maxBatch, maxQueued: opts.maxQueued };
  const nli = kind === 'nli' || kind === 'pair-classifier+nli';
  const tuned = (nli ? NLI_TUNED : CROSS_ENCODER_TUNED)[embedderName(embedder)];
  const model = nli
    ? await NliVerifier.load({ ...run, dir: opts.nliModelDir ?? join(modelsRoot(), DEFAULT_NLI_MODEL), tuned: tuned?.alone ?? null })
    : await CrossEncoderVerifier.load({ ...run, dir: opts.crossEncoderModelDir ?? DEFAULT_CROSS_ENCODER_DIR, tuned: tuned?.alone ?? null });
  if (kind === 'nli' || kind === 'cross-encoder') return model;
  // The classifier keeps its own tuned operating point, or the engine's fallback where it has none.
  return new ChainedVerifier(learned, learned.tuned?.verifierThreshold ?? 0.5, model, tuned?.afterClassifier ?? learned.tuned);
}
