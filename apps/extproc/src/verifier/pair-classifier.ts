import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbedderIdentity } from '@semcache/shared';
import { z } from 'zod';
import { AdaptedSpace, AdapterSchema } from './adapter.ts';
import { checkMlp, mlpLogit, MlpSchema } from './mlp.ts';
import { builtinPairVectors, FEATURE_NAMES, pairFeatures, type PairVectors } from './pair-features.ts';
import { checkEnsemble, ensembleLogit, TreeEnsembleSchema } from './tree-ensemble.ts';
import type { Verifier, VerifierInput } from './verifier.ts';

export const LogisticSchema = z.object({
  kind: z.literal('logistic'),
  mean: z.array(z.number()),
  scale: z.array(z.number().positive()),
  weights: z.array(z.number()),
  bias: z.number(),
});

/** The log-odds of a logistic model on standardised inputs. */
export function logisticLogit(m: z.infer<typeof LogisticSchema>, x: Float64Array): number {
  let z = m.bias;
  for (let i = 0; i < x.length; i++) z += m.weights[i]! * ((x[i]! - m.mean[i]!) / m.scale[i]!);
  return z;
}

/** Each kind is trained by bench/train-verifier.ts, which keeps the one with the best recall on tune. */
export const PairScorerSchema = z.discriminatedUnion('kind', [
  LogisticSchema,
  TreeEnsembleSchema.extend({ kind: z.literal('trees') }),
  MlpSchema.extend({ kind: z.literal('mlp') }),
]);
export type PairScorer = z.infer<typeof PairScorerSchema>;

export const PairModelSchema = z.object({
  /** `provider/model` of the embedder whose similarity was the first feature in training. */
  embedder: z.string(),
  version: z.string(),
  features: z.array(z.string()),
  /**
   * Set when the scorer also reads the two embedding vectors, as their cosine under a learned linear map (one
   * more input, `adapted-similarity`, after the features). The built-in model would read the built-in
   * embedder's vectors, any other model the active embedder's.
   */
  adapter: AdapterSchema.optional(),
  scorer: PairScorerSchema,
  /** Pairs of the outside data's train part fitted on, and of its tune part the thresholds were chosen on. */
  trainedOn: z.object({ train: z.number().int(), tune: z.number().int() }).optional(),
  /** Chosen on the tune part of the outside pairs, never on validation. */
  tuned: z.object({ candidateThreshold: z.number().min(0).max(1), verifierThreshold: z.number().min(0).max(1) }),
  /** Pairs scored by the trainer: this build must give the same scores, else the file and the code disagree. */
  checks: z.array(z.object({ query: z.string(), candidate: z.string(), score: z.number() })).optional(),
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

/** What a model's scorer reads, in order: the pair features, then the adapted similarity where it has an adapter. */
export const inputNames = (m: Pick<PairModel, 'adapter'>): string[] => [...FEATURE_NAMES, ...(m.adapter ? ['adapted-similarity'] : [])];

/**
 * A logistic regression, boosted trees or a small perceptron over pairFeatures (and, for a model with an
 * adapter, the embedding vectors' adapted cosine): a dot product, a few hundred comparisons or a thousand
 * multiply-adds, plus two rank-r projections for the adapter, so a verdict costs tens of microseconds. A model
 * trained with the active embedder is used where one exists; otherwise the built-in model, fed the built-in
 * similarity and vectors, with no tuned thresholds (the namespace keeps its own).
 */
export class PairClassifier implements Verifier {
  readonly id: string;
  readonly tuned: Verifier['tuned'];
  readonly #model: PairModel;
  readonly #ownSimilarity: boolean;
  readonly #builtinModel: boolean;
  readonly #adapted: AdaptedSpace | null;
  readonly #scratch: Float64Array;

  constructor(model: PairModel, opts: { ownSimilarity: boolean }) {
    if (model.features.join(',') !== inputNames(model).join(',')) {
      throw new Error(`pair classifier ${model.embedder}: trained on other features than this build computes; retrain it`);
    }
    const n = inputNames(model).length;
    const sc = model.scorer;
    if (sc.kind === 'logistic' && (sc.mean.length !== n || sc.scale.length !== n || sc.weights.length !== n)) {
      throw new Error(`pair classifier ${model.embedder}: expected ${n} means, scales and weights`);
    }
    if (sc.kind === 'trees') checkEnsemble(sc, n);
    if (sc.kind === 'mlp') checkMlp(sc, n);
    this.#model = model;
    this.#ownSimilarity = opts.ownSimilarity;
    this.#builtinModel = model.embedder === BUILTIN;
    this.#adapted = model.adapter ? new AdaptedSpace(model.adapter) : null;
    this.#scratch = new Float64Array(n);
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
    const builtinVectors = builtinPairVectors(input.query, input.candidate);
    const features = pairFeatures(input, { builtinSimilarityOnly: !this.#ownSimilarity, builtinVectors });
    if (this.#adapted === null) return this.scoreFeatures(features);
    const x = new Float64Array(features.length + 1);
    x.set(features);
    x[features.length] = this.#adapted.cosine(...this.#vectorsOf(input, builtinVectors));
    return this.scoreFeatures(x);
  }

  /** The score of a ready input, in inputNames order. */
  scoreFeatures(x: Float64Array): number {
    const m = this.#model.scorer;
    let z: number;
    if (m.kind === 'trees') z = ensembleLogit(m, x);
    else if (m.kind === 'mlp') z = mlpLogit(m, x, this.#scratch);
    else z = logisticLogit(m, x);
    return 1 / (1 + Math.exp(-z));
  }

  /** The vectors the model was trained on; an engine that passes none, or another size, gets a refusal by throw. */
  #vectorsOf(input: VerifierInput, builtinVectors: PairVectors): PairVectors {
    if (this.#builtinModel) return builtinVectors;
    const dims = this.#adapted!.dimensions;
    const { queryVector: u, candidateVector: v } = input;
    if (u?.length !== dims || v?.length !== dims) {
      throw new Error(`pair classifier ${this.#model.embedder}: needs both embedding vectors of ${dims} dimensions`);
    }
    return [u, v];
  }
}

export function loadModelFile(path = MODEL_FILE): PairModelFile {
  return PairModelFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}
