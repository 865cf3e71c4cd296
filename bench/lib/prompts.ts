/**
 * Synthetic prompts for the hit-path benchmark: distinct questions to store, and for each one paraphrases
 * that differ only in conversational filler, so that every paraphrase is a semantic hit of its question with
 * the built-in embedder and passes the false-hit guard (no numbers, names or swapped words).
 */
const SYLLABLES = ['ba', 'ko', 'ru', 'te', 'mi', 'sa', 'lo', 'ne', 'vi', 'da', 'pu', 'ge', 'ha', 'zo', 'fi', 'wu'];
/** Conversational filler only: words the built-in embedder and the guard treat as carrying little meaning. */
const FILLERS = ['please', 'actually', 'basically', 'just', 'really', 'kindly', 'simply', 'exactly', 'anyway', 'maybe'];

/** A made-up three-syllable word: distinct questions share no content word, as real distinct ones mostly do not. */
function word(n: number): string {
  const s = SYLLABLES.length;
  return SYLLABLES[n % s]! + SYLLABLES[Math.floor(n / s) % s]! + SYLLABLES[Math.floor(n / (s * s)) % s]!;
}

export const MAX_QUESTIONS = 1024;

/** The n-th distinct question (n < MAX_QUESTIONS): four content words of its own. */
export function question(n: number): string {
  const w = (k: number): string => word(n * 4 + k);
  return `how do i ${w(0)} the ${w(1)} ${w(2)} with ${w(3)}`;
}

/** Filler sets of one, two, then three words: 175 in all. */
const FILLER_SETS: string[][] = (() => {
  const sets: string[][] = [];
  const n = FILLERS.length;
  for (let a = 0; a < n; a++) sets.push([FILLERS[a]!]);
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) sets.push([FILLERS[a]!, FILLERS[b]!]);
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) for (let c = b + 1; c < n; c++) sets.push([FILLERS[a]!, FILLERS[b]!, FILLERS[c]!]);
  return sets;
})();

export const MAX_PARAPHRASES = FILLER_SETS.length;

/** The v-th paraphrase (v < MAX_PARAPHRASES) of a question: filler words in front of it. */
export function paraphrase(q: string, v: number): string {
  return `${FILLER_SETS[v]!.join(' ')} ${q}`;
}
