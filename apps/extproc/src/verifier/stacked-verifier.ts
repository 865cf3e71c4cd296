import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { logisticLogit, LogisticSchema } from './pair-classifier.ts';
import { scoreOf, type FallbackScore, type Verifier, type VerifierInput } from './verifier.ts';

/** What the combination reads, in order: each verifier's verdict as log-odds, and the embedder's similarity. */
export const STACKED_INPUTS: readonly string[] = ['cross-encoder-logit', 'classifier-logit', 'similarity'];

/**
 * Scores this close to 0 or 1 are the int8 models' rounding, not more certainty: clamped, one extreme verdict
 * cannot outvote the other inputs.
 */
const MAX_LOGIT = 9;
const logit = (p: number): number => Math.max(-MAX_LOGIT, Math.min(MAX_LOGIT, Math.log(p / (1 - p))));

const Thresholds = z.object({ candidateThreshold: z.number().min(0).max(1), verifierThreshold: z.number().min(0).max(1) });

export const StackedModelSchema = z.object({
  /** `provider/model` of the embedder whose similarity and classifier it was fitted with. */
  embedder: z.string(),
  /** sha256 of the cross-encoder's onnx/model.onnx it was fitted on: another model's scores mean other things. */
  crossEncoderSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** A pair the classifier scores below this is refused without asking the cross-encoder. */
  gate: z.number().min(0).max(1),
  inputs: z.array(z.string()),
  scorer: LogisticSchema,
  /** Tune pairs read, and of them those fitted on (past the guard and the gate, at a similarity of 0.3 or more). */
  trainedOn: z.object({ tune: z.number().int(), fitted: z.number().int() }),
  /** Chosen on the out-of-fold scores of the tune pairs, never on validation. */
  tuned: Thresholds,
});
export type StackedModel = z.infer<typeof StackedModelSchema>;

export const StackedFileSchema = z.object({ command: z.string(), models: z.array(StackedModelSchema) });
export type StackedFile = z.infer<typeof StackedFileSchema>;

export const STACKED_FILE = join(import.meta.dirname, 'models', 'stacked-verifier.json');

/** The inputs the scorer was fitted on, read by stackedScore and by the trainer, so both transform alike. */
export const stackedInputs = (crossEncoder: number, classifier: number, similarity: number): Float64Array =>
  Float64Array.of(logit(crossEncoder), logit(classifier), similarity);

/** The combined score of one pair past the gate; the trainer and the benchmark call it too, so they score as served. */
export function stackedScore(model: StackedModel, crossEncoder: number, classifier: number, similarity: number): number {
  return 1 / (1 + Math.exp(-logisticLogit(model.scorer, stackedInputs(crossEncoder, classifier, similarity))));
}

export const fileSha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The weights fitted for this embedder and this cross-encoder model file, or null where there are none. */
export function findStackedModel(embedder: string, crossEncoderDir: string, file: StackedFile = loadStackedFile()): StackedModel | null {
  const own = file.models.filter((m) => m.embedder === embedder);
  if (own.length === 0) return null;
  const onnx = join(crossEncoderDir, 'onnx', 'model.onnx');
  // A missing model is the cross-encoder's own start-up error to report, with the file's name.
  if (!existsSync(onnx)) return null;
  const sha = fileSha256(onnx);
  return own.find((m) => m.crossEncoderSha256 === sha) ?? null;
}

export function loadStackedFile(path = STACKED_FILE): StackedFile {
  const file = StackedFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  for (const m of file.models) {
    if (m.inputs.join(',') !== STACKED_INPUTS.join(',')) throw new Error(`stacked verifier ${m.embedder}: fitted on other inputs than this build computes; retrain it`);
  }
  return file;
}

export interface StackedOptions {
  /** Cross-encoder verdicts outstanding at most; past it the classifier decides alone (`cross-encoder-busy`; a failed one: `cross-encoder-failed`). */
  readonly maxCrossEncoderWaiting: number;
  /** A cross-encoder verdict slower than this is not waited for; the classifier decides alone (`cross-encoder-slow`). */
  readonly crossEncoderBudgetMs: number;
}

const SLOW = Symbol('slow');

/**
 * The learned classifier and the cross-encoder combined: one logistic model over both verdicts and the
 * similarity, fitted on tune pairs, instead of two thresholds in a row. A pair the classifier is nearly sure of
 * refusing (under the gate) never reaches the slower cross-encoder; past it, a confident cross-encoder can carry
 * a pair the classifier doubts, and the other way round, which a chain of two cuts cannot.
 *
 * Under load the cross-encoder's one worker queues: rather than let every verdict time out (a busy cache that
 * never hits), a verdict that would wait behind too many others, or that the cross-encoder is too slow to give,
 * (or that it fails to give) is the classifier's alone at its own tuned operating point (measured: recall 0.282 at a false-hit rate of
 * 0.0166 on validation, against the stacked 0.354 at 0.0172), rescaled so that its threshold falls on this
 * verifier's. The cross-encoder's late verdict is dropped.
 */
export class StackedVerifier implements Verifier {
  readonly id: string;
  readonly tuned: Verifier['tuned'];
  readonly #classifier: Verifier;
  readonly #crossEncoder: Verifier;
  readonly #model: StackedModel;
  readonly #opts: StackedOptions;
  #waiting = 0;

  constructor(classifier: Verifier, crossEncoder: Verifier, model: StackedModel, opts: StackedOptions) {
    this.id = `stacked:${classifier.id}+${crossEncoder.id}`;
    this.tuned = model.tuned;
    this.#classifier = classifier;
    this.#crossEncoder = crossEncoder;
    this.#model = model;
    this.#opts = opts;
  }

  async score(input: VerifierInput): Promise<number | FallbackScore> {
    const classifier = scoreOf(await this.#classifier.score(input));
    if (classifier < this.#model.gate) return 0;
    if (this.#waiting >= this.#opts.maxCrossEncoderWaiting) return this.#alone(classifier, input.similarity, 'cross-encoder-busy');
    this.#waiting++;
    const verdict = Promise.resolve(this.#crossEncoder.score(input)).finally(() => { this.#waiting--; });
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<typeof SLOW>((resolve) => { timer = setTimeout(() => resolve(SLOW), this.#opts.crossEncoderBudgetMs); });
    try {
      const crossEncoder = await Promise.race([verdict, slow]);
      if (crossEncoder === SLOW) {
        verdict.catch(() => {});
        return this.#alone(classifier, input.similarity, 'cross-encoder-slow');
      }
      return stackedScore(this.#model, scoreOf(crossEncoder), classifier, input.similarity);
    } catch {
      // A crashed cross-encoder worker (the next verdict starts a fresh one) leaves the classifier's judgement.
      return this.#alone(classifier, input.similarity, 'cross-encoder-failed');
    } finally {
      clearTimeout(timer);
    }
  }

  /** The classifier's verdict at its own tuned point, on this verifier's scale: its threshold maps onto ours. */
  #alone(classifier: number, similarity: number, why: string): FallbackScore {
    const own = this.#classifier.tuned;
    if (own === null || similarity < own.candidateThreshold) return { score: 0, fallback: why };
    const [c, s] = [own.verifierThreshold, this.#model.tuned.verifierThreshold];
    const score = classifier < c ? (classifier * s) / c : s + ((classifier - c) * (1 - s)) / (1 - c);
    return { score, fallback: why };
  }

  async close(): Promise<void> {
    await Promise.all([this.#classifier.close?.(), this.#crossEncoder.close?.()]);
  }
}
