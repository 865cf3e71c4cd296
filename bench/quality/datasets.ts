import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ParaphrasePair { readonly origin: string; readonly similar: string }
export interface HardNegative { readonly stored: string; readonly query: string; readonly kind: string }

/** What one benchmark run stores and asks. */
export interface QualitySet {
  /** Distinct prompts put in the cache. */
  readonly stored: readonly string[];
  /** Paraphrases of a stored prompt: `expected` is its index in `stored`. */
  readonly positives: readonly { readonly query: string; readonly expected: number }[];
  /** Paraphrases of prompts that were held back: any hit is a false hit. */
  readonly easyNegatives: readonly string[];
  /** Unlabelled prompts, disjoint from everything above, for fitting corpus statistics (SIF's common component). */
  readonly unlabelled: readonly string[];
}

const SHARED_DATA = process.env.SEMCACHE_PARAPHRASE_DIR ?? '/work/shared/data';
export const BENCH_DATA = join(import.meta.dirname, '..', 'data');

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

export const loadHardNegatives = (file: string): HardNegative[] => readJson<HardNegative[]>(join(BENCH_DATA, file));

/**
 * Every 10th pair is held back: its origin is not stored and its paraphrase becomes an easy negative. Every 10th
 * pair counting from the 5th only lends its origin to `unlabelled`, so fitted statistics never see test prompts.
 */
export function loadParaphrases(opts: { limitPerFile?: number }): QualitySet {
  const files = ['paraphrase_pairs_qqp.json', 'paraphrase_pairs_docs.json'];
  const stored: string[] = [];
  const index = new Map<string, number>();
  const positives: { query: string; expected: number }[] = [];
  const heldBack: ParaphrasePair[] = [];
  const unlabelled: string[] = [];
  for (const file of files) {
    const pairs = readJson<ParaphrasePair[]>(join(SHARED_DATA, file)).slice(0, opts.limitPerFile);
    pairs.forEach((p, i) => {
      if (i % 10 === 0) return void heldBack.push(p);
      if (i % 10 === 5) return void unlabelled.push(p.origin);
      let expected = index.get(p.origin);
      if (expected === undefined) {
        expected = stored.push(p.origin) - 1;
        index.set(p.origin, expected);
      }
      positives.push({ query: p.similar, expected });
    });
  }
  // A held-back question that is also stored through another pair would be a true hit, not a negative.
  const easyNegatives = heldBack.filter((p) => !index.has(p.origin) && !index.has(p.similar)).map((p) => p.similar);
  return { stored, positives, easyNegatives, unlabelled };
}
