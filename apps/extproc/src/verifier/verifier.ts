/** What a verifier judges: the query, the cached prompt that passed the threshold and the guard, their similarity. */
export interface VerifierInput {
  readonly query: string;
  readonly candidate: string;
  /** Cosine similarity from the namespace's embedder. */
  readonly similarity: number;
  /** The namespace embedder's vectors of the query and of the cached prompt, for a verifier that reads them. */
  readonly queryVector?: Float32Array;
  readonly candidateVector?: Float32Array;
}

/** A score that a fallback stage gave, and why it did (the stage meant to judge was busy or slow). */
export interface FallbackScore {
  readonly score: number;
  readonly fallback: string;
}

export const scoreOf = (s: number | FallbackScore): number => (typeof s === 'number' ? s : s.score);

/**
 * The last stage before a semantic hit: a model that says how likely the candidate's answer is right for the
 * query. Implementations are swappable; the engine compares the score with the namespace's verifier threshold
 * and treats a throw or a timeout as a refusal.
 */
export interface Verifier {
  /** Recorded on every lookup event it judged, e.g. `pair-classifier/builtin@1`. */
  readonly id: string;
  /** In [0, 1]: higher is more likely the same question. */
  score(input: VerifierInput): number | FallbackScore | Promise<number | FallbackScore>;
  /**
   * Settings measured for this verifier with the active embedder, used where a namespace sets none: the
   * similarity a candidate needs to be judged at all, and the score it needs to be served.
   */
  readonly tuned: { readonly candidateThreshold: number; readonly verifierThreshold: number } | null;
  /** Stops what the verifier runs besides the event loop (a worker thread). */
  close?(): Promise<void>;
}
