import { join } from 'node:path';
import type { Config, EmbedderIdentity } from '@semcache/shared';
import { DEFAULT_NLI_MODEL, modelsRoot } from '../embedders/model-catalog.ts';
import { ChainedVerifier } from './chained-verifier.ts';
import { CROSS_ENCODER_TUNED } from './cross-encoder/cross-encoder-tuned.ts';
import { CrossEncoderVerifier, DEFAULT_CROSS_ENCODER_DIR } from './cross-encoder/cross-encoder-verifier.ts';
import { NLI_TUNED } from './nli/nli-tuned.ts';
import { NliVerifier } from './nli/nli-verifier.ts';
import { embedderName, PairClassifier } from './pair-classifier.ts';
import { findStackedModel, StackedVerifier } from './stacked-verifier.ts';
import type { Verifier } from './verifier.ts';

/**
 * The verifier `verifierModel.kind` names, loaded before the ports open: a missing cross-encoder model file stops
 * start-up with its name. Thresholds tuned for another embedder are not used (the namespace keeps its own).
 */
export async function createVerifier(config: Config, embedder: EmbedderIdentity): Promise<Verifier> {
  const opts = config.verifierModel;
  const learned = PairClassifier.forEmbedder(embedder);
  const crossEncoderDir = opts.crossEncoderModelDir ?? DEFAULT_CROSS_ENCODER_DIR;
  const name = embedderName(embedder);
  const stacked = opts.kind === 'auto' || opts.kind === 'stacked' ? findStackedModel(name, crossEncoderDir) : null;
  // auto: a combination only where it was fitted or measured with this embedder; elsewhere its thresholds would be guesses.
  const kind = opts.kind !== 'auto' ? opts.kind : stacked ? 'stacked' : CROSS_ENCODER_TUNED[name] ? 'pair-classifier+cross-encoder' : 'pair-classifier';
  if (kind === 'pair-classifier') return learned;
  const run = { threads: opts.threads, batchWindowMs: opts.batchWindowMs, maxBatch: opts.maxBatch, maxQueued: opts.maxQueued };
  if (kind === 'stacked') {
    const crossEncoder = await CrossEncoderVerifier.load({ ...run, dir: crossEncoderDir });
    if (stacked) return new StackedVerifier(learned, crossEncoder, stacked, { maxCrossEncoderWaiting: opts.stackedMaxWaiting, crossEncoderBudgetMs: opts.stackedBudgetMs });
    await crossEncoder.close();
    throw new Error(`stacked verifier: no weights fitted for embedder ${name} with the cross-encoder in ${crossEncoderDir} (npm run train:stacked fits them)`);
  }
  const nli = kind === 'nli' || kind === 'pair-classifier+nli';
  const tuned = (nli ? NLI_TUNED : CROSS_ENCODER_TUNED)[embedderName(embedder)];
  const model = nli
    ? await NliVerifier.load({ ...run, dir: opts.nliModelDir ?? join(modelsRoot(), DEFAULT_NLI_MODEL), tuned: tuned?.alone ?? null })
    : await CrossEncoderVerifier.load({ ...run, dir: crossEncoderDir, tuned: tuned?.alone ?? null });
  if (kind === 'nli' || kind === 'cross-encoder') return model;
  // The classifier keeps its own tuned operating point, or the engine's fallback where it has none.
  return new ChainedVerifier(learned, learned.tuned?.verifierThreshold ?? 0.5, model, tuned?.afterClassifier ?? learned.tuned);
}
