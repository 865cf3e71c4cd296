import { basename, join } from 'node:path';
import { readPairManifest } from '../pair-model/pair-manifest.ts';
import { PairScorer, type PairVerifierOptions } from '../pair-model/pair-scorer.ts';
import type { Verifier, VerifierInput } from '../verifier.ts';

/** The duplicate-question model committed with the code (no download): MiniLM-L6 fine-tuned on the outside train pairs. */
export const DEFAULT_CROSS_ENCODER_DIR = join(import.meta.dirname, '..', 'models', 'minilm-l6-qqp-xe');

/**
 * A duplicate-question cross-encoder: reads the query and the cached prompt together and gives the probability
 * that they ask the same thing (the sigmoid of its logit for the pair tokenized as query, candidate). A
 * `symmetric` model scores both orders and takes the mean. Inference runs in a worker thread (PairScorer); a
 * crash rejects (the engine refuses: `verifier-failed`) and the next lookup starts a fresh worker.
 */
export class CrossEncoderVerifier implements Verifier {
  readonly id: string;
  readonly tuned: Verifier['tuned'];
  readonly #symmetric: boolean;
  readonly #scorer: PairScorer;

  /** Checks the directory synchronously: a missing file stops start-up with its name. */
  constructor(opts: PairVerifierOptions) {
    const manifest = readPairManifest(opts.dir, { kind: 'duplicate', label: 'cross-encoder verifier', hint: '' });
    this.id = `cross-encoder/${manifest.name ?? basename(opts.dir)}`;
    this.tuned = opts.tuned ?? null;
    this.#symmetric = manifest.symmetric;
    this.#scorer = new PairScorer('cross-encoder verifier', opts.dir, manifest, opts);
  }

  /** Constructs and loads the model, so start-up fails on a bad model rather than the first lookup. */
  static async load(opts: PairVerifierOptions): Promise<CrossEncoderVerifier> {
    const verifier = new CrossEncoderVerifier(opts);
    await verifier.#scorer.start();
    return verifier;
  }

  async score(input: VerifierInput): Promise<number> {
    const forward = { first: input.query, second: input.candidate };
    if (!this.#symmetric) return (await this.#scorer.score([forward]))[0]!;
    const [queryFirst, candidateFirst] = await this.#scorer.score([forward, { first: input.candidate, second: input.query }]);
    return (queryFirst! + candidateFirst!) / 2;
  }

  async close(): Promise<void> {
    await this.#scorer.close();
  }
}
