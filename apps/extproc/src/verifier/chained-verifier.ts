import { scoreOf, type FallbackScore, type Verifier, type VerifierInput } from './verifier.ts';

/**
 * The learned classifier first, the cross-encoder only on what it accepts: the cheap verdict spares the slow one
 * every candidate it refuses. The first stage keeps its own tuned threshold; the score the engine compares with
 * the namespace's verifier threshold is the second stage's, or 0 where the first refused.
 */
export class ChainedVerifier implements Verifier {
  readonly id: string;
  readonly tuned: Verifier['tuned'];
  readonly #first: Verifier;
  readonly #firstThreshold: number;
  readonly #second: Verifier;

  constructor(first: Verifier, firstThreshold: number, second: Verifier, tuned: Verifier['tuned']) {
    this.id = `${first.id}+${second.id}`;
    this.tuned = tuned;
    this.#first = first;
    this.#firstThreshold = firstThreshold;
    this.#second = second;
  }

  async score(input: VerifierInput): Promise<number | FallbackScore> {
    if (scoreOf(await this.#first.score(input)) < this.#firstThreshold) return 0;
    return this.#second.score(input);
  }

  async close(): Promise<void> {
    await Promise.all([this.#first.close?.(), this.#second.close?.()]);
  }
}
