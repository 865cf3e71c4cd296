import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbedderIdentity } from '@semcache/shared';
import { z } from 'zod';
import { FEATURE_NAMES, pairFeatures } from './pair-features.ts';
import { checkEnsemble, ensembleLogit, TreeEnsembleSchema } from './tree-ensemble.ts';
import type { Verifier, VerifierInput } from './verifier.ts';

const LogisticSchema = z.object({
  kind: z.literal('logistic'),
  mean: z.array(z.number()),
  scale: z.array(z.number().positive()),
  weights: z.array(z.number()),
  bias: z.number(),
});

/** Either kind is trained by bench/train-verifier.ts, which keeps the one with the better recall on tune. */
export const PairScorerSchema = z.discriminatedUnion('kind', [LogisticSchema, TreeEnsembleSchema.extend({ kind: z.literal('trees') })]);
export type PairScorer = z.infer<typeof PairScorerSchema>;

export const PairModelSchema = z.object({
  /** `provider/model` of the embedder whose similarity was the first feature in training. */
  embedder: z.string(),
  version: z.string(),
  features: z.array(z.string()),
  scorer: PairScorerSchema,
  /** Pairs of the outside data's train part fitted on, and of its tune part the thresholds were chosen on. */
  trainedOn: z.object({ train: z.number().int(), tune: z.number().int() }).optional(),
  /** Chosen on the tune part of the outside pairs, never on validation. */
  tuned: z.object({ candidateThreshold: z.number().min(0).max(1), verifierThreshold: z.number().min(0).max(1) }),
});
export type PairModel = z.infer<typeof PairModelSchema>;

export const PairModelFileSchema = z.object({
  /** How to reproduce the file. */
  command: z.string(),
  models: z.array(PairModelSchema).min(1),
});
export type PairModelFile = z.infer<typeof PairModelFileSchema>;

export const MODEL_FILE = join(import.meta.dirname, 'models', 'pair-classifier.json');
const BUILTIN = 'builtin/hashed-ngrams';

export const embedderName = (id: EmbedderIdentity): string => `${id.provider}/${id.model}`;

/**
 * Boosted trees or a logistic regression over pairFeatures: a few hundred comparisons or a dot product of 30
 * numbers, so a verdict costs about what the features cost. A model trained with the active embedder's similarity is used where one exists; otherwise the built-in
 * model, fed the built-in similarity, with no tuned thresholds (the namespace keeps its own).
 */
export class PairClassifier implements Verifier {
  readonly id: string;
  readonly tuned: Verifier['tuned'];
  readonly #model: PairModel;
  readonly #ownSimilarity: boolean;

  constructor(model: PairModel, opts: { ownSimilarity: boolean }) {
    const n = FEATURE_NAMES.length;
    if (model.features.join(',') !== FEATURE_NAMES.join(',')) {
      throw new Error(`pair classifier ${model.embedder}: trained on other features than this build computes; retrain it`);
    }
    const sc = model.scorer;
    if (sc.kind === 'logistic' && (sc.mean.length !== n || sc.scale.length !== n || sc.weights.length !== n)) {
      throw new Error(`pair classifier ${model.embedder}: expected ${n} means, scales and weights`);
    }
    if (sc.kind === 'trees') checkEnsemble(sc, n);
    this.#model = model;
    this.#ownSimilarity = opts.ownSimilarity;
    this.id = `pair-classifier/${model.embedder.split('/')[0]}@${model.version}`;
    this.tuned = opts.ownSimilarity ? model.tuned : null;
  }

  static forEmbedder(identity: EmbedderIdentity, file: PairModelFile = loadModelFile()): PairClassifier {
    const own = file.models.find((m) => m.embedder === embedderName(identity));
    if (own) return new PairClassifier(own, { ownSimilarity: true });
    const builtin = file.models.find((m) => m.embedder === BUILTIN);
    if (!builtin) throw new Error(`pair classifier: no model for ${embedderName(identity)} and no built-in model`);
    return new PairClassifier(builtin, { ownSimilarity: false });
  }

  score(input: VerifierInput): number {
    return this.scoreFeatures(pairFeatures(input, { builtinSimilarityOnly: !this.#ownSimilarity }));
  }

  scoreFeatures(x: Float64Array): number {
    const m = this.#model.scorer;
    let z: number;
    if (m.kind === 'trees') z = ensembleLogit(m, x);
    else {
      z = m.bias;
      for (let i = 0; i < x.length; i++) z += m.weights[i]! * ((x[i]! - m.mean[i]!) / m.scale[i]!);
    }
    return 1 / (1 + Math.exp(-z));
  }
}

export function loadModelFile(path = MODEL_FILE): PairModelFile {
  return PairModelFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}
