import { createHash } from 'node:crypto';

/** Exact repeats differ only in Unicode form and white space; case can change meaning ("US" vs "us"). */
export function normalizePrompt(prompt: string): string {
  return prompt.normalize('NFKC').trim().replace(/\s+/gu, ' ');
}

export function exactKeyOf(fingerprint: string, prompt: string): string {
  return createHash('sha256').update(fingerprint).update('\0').update(normalizePrompt(prompt)).digest('base64url');
}
