import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ParaphrasePair { readonly origin: string; readonly similar: string }
export interface HardNegative { readonly stored: string; readonly query: string; readonly kind: string }

/** What one benchmark run stores and asks. */
export interface QualitySet {
  /** Distinct prompts put in the cache. */
  readonly stored: readonly string[];
  /** Paraphrase class of each stored prompt: any prompt of the query's class is a correct answer. */
  readonly storedClass: readonly number[];
  /** Paraphrases of a stored prompt: `expected` is their paraphrase class. */
  readonly positives: readonly { readonly query: string; readonly expected: number }[];
  /** Paraphrases of prompts that were held back: any hit is a false hit. */
  readonly easyNegatives: readonly string[];
  /** Unlabelled prompts, disjoint from everything above, for fitting corpus statistics (SIF's common component). */
  readonly unlabelled: readonly string[];
}

export const SHARED_DATA = process.env.SEMCACHE_PARAPHRASE_DIR ?? '/work/shared/data';
export const BENCH_DATA = join(import.meta.dirname, '..', 'data');

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

export const loadHardNegatives = (file: string): HardNegative[] => readJson<HardNegative[]>(join(BENCH_DATA, file));

/**
 * Texts linked by any labelled pair, transitively, are one class: the data repeats questions across pairs, so
 * "the query's own origin" alone would call a hit on an identical stored question wrong.
 */
function paraphraseClasses(pairs: readonly ParaphrasePair[]): (text: string) => number {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  for (const p of pairs) parent.set(find(p.origin), find(p.similar));
  const ids = new Map<string, number>();
  return (text) => {
    const root = find(text);
    let id = ids.get(root);
    if (id === undefined) ids.set(root, (id = ids.size));
    return id;
  };
}

/**
 * Every 10th pair is held back: its origin is not stored and its paraphrase becomes an easy negative. Every 10th
 * pair counting from the 5th only lends its origin to `unlabelled`, so fitted statistics never see test prompts.
 */
export function loadParaphrases(opts: { limitPerFile?: number }): QualitySet {
  const files = ['paraphrase_pairs_qqp.json', 'paraphrase_pairs_docs.json'];
  const pairs = files.flatMap((f) => readJson<ParaphrasePair[]>(join(SHARED_DATA, f)).slice(0, opts.limitPerFile));
  const classOf = paraphraseClasses(pairs);
  const stored: string[] = [];
  const storedSet = new Set<string>();
  const positives: { query: string; expected: number }[] = [];
  const heldBack: ParaphrasePair[] = [];
  const unlabelled: string[] = [];
  pairs.forEach((p, i) => {
    if (i % 10 === 0) return void heldBack.push(p);
    if (i % 10 === 5) return void unlabelled.push(p.origin);
    if (!storedSet.has(p.origin)) {
      storedSet.add(p.origin);
      stored.push(p.origin);
    }
    positives.push({ query: p.similar, expected: classOf(p.origin) });
  });
  const storedClasses = new Set(stored.map(classOf));
  // A held-back question whose paraphrase class is stored through another pair would be a true hit.
  const easyNegatives = heldBack.filter((p) => !storedClasses.has(classOf(p.origin))).map((p) => p.similar);
  return { stored, storedClass: stored.map(classOf), positives, easyNegatives, unlabelled };
}
