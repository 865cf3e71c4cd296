import { hash } from 'node:crypto';

/** Exact repeats differ only in Unicode form and white space; case can change meaning ("US" vs "us"). */
export function normalizePrompt(prompt: string): string {
  return prompt.normalize('NFKC').trim().replace(/\s+/gu, ' ');
}

/** One call, not a Hash object's three: the same bytes, so the same digest as the exact keys written before. */
const sha256 = (fingerprint: string, normalized: string, encoding: 'hex' | 'base64url'): string =>
  hash('sha256', `${fingerprint}\0${normalized}`, encoding);

/** The exact key the stored formats carry (other versions read it); this process derives its own from the prompt. */
export function exactKeyOf(fingerprint: string, prompt: string): string {
  return sha256(fingerprint, normalizePrompt(prompt), 'base64url');
}

/**
 * What the exact tier matches on. The digest only finds the slot (no object at all as a map key, against the
 * 43-character key string it replaced); a hit is confirmed on the fingerprint and normalised prompt themselves,
 * so two prompts whose digests collide are never each other's answer.
 */
export interface ExactKey {
  /** 30 bits: a small integer in V8 with or without pointer compression. */
  digest: number;
  fingerprint: string;
  normalized: string;
}

export function exactMatchKey(fingerprint: string, prompt: string): ExactKey {
  const normalized = normalizePrompt(prompt);
  // Through a string: a digest Buffer would be a malloc'd backing store per entry, garbage at once.
  return { digest: Number.parseInt(sha256(fingerprint, normalized, 'hex').slice(0, 8), 16) >>> 2, fingerprint, normalized };
}

/** Whether a stored prompt is this key's: the raw prompt alike needs no normalising. */
export function matchesExact(key: ExactKey, fingerprint: string, prompt: string): boolean {
  return fingerprint === key.fingerprint && (prompt === key.normalized || normalizePrompt(prompt) === key.normalized);
}
