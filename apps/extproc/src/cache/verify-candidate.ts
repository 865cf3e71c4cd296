import type { Verifier, VerifierInput } from '../verifier/verifier.ts';

export interface Verdict {
  readonly accept: boolean;
  readonly verifier: string;
  /** Null when the verifier failed or timed out. */
  readonly score: number | null;
  /** Why a candidate was refused: `verifier-refused`, `verifier-failed` or `verifier-timeout`; null when accepted. */
  readonly reason: string | null;
  /** Why a fallback stage decided instead of the verifier's main one; null when the main one did. */
  readonly fallback: string | null;
}

const TIMEOUT = Symbol('timeout');

/**
 * Runs one verdict, fail-closed: a throw, a non-number or a verdict slower than the timeout refuses the
 * candidate, so a broken verifier costs hits, never a wrong answer or an error to the client.
 */
export async function runVerifier(verifier: Verifier, input: VerifierInput, threshold: number, timeoutMs: number): Promise<Verdict> {
  let fallback: string | null = null;
  const refuse = (reason: string, score: number | null = null): Verdict => ({ accept: false, verifier: verifier.id, score, reason, fallback });
  let timer: NodeJS.Timeout | undefined;
  try {
    const pending = verifier.score(input);
    const given = typeof pending === 'number' || !(pending instanceof Promise) ? pending : await Promise.race([
      pending,
      new Promise<typeof TIMEOUT>((resolve) => { timer = setTimeout(() => resolve(TIMEOUT), timeoutMs); }),
    ]);
    if (given === TIMEOUT) return refuse('verifier-timeout');
    if (typeof given === 'object' && given !== null) fallback = typeof given.fallback === 'string' ? given.fallback : null;
    const score = typeof given === 'object' && given !== null ? given.score : given;
    if (typeof score !== 'number' || !Number.isFinite(score)) return refuse('verifier-failed');
    return score >= threshold ? { accept: true, verifier: verifier.id, score, reason: null, fallback } : refuse('verifier-refused', score);
  } catch {
    return refuse('verifier-failed');
  } finally {
    clearTimeout(timer);
  }
}
