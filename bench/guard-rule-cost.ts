/**
 * What each guard rule costs and catches, alone: the share of the shared true paraphrases (both files, both
 * directions) it refuses, and the share of the project's hard negatives it catches. New rules must show a small
 * recall cost here before they join the guard. `--quick` reads the first 500 pairs of each file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../apps/extproc/src/guard/false-hit-guard.ts';
import { sideFeatures } from '../apps/extproc/src/guard/side-features.ts';
import { loadHardNegatives, SHARED_DATA, type ParaphrasePair } from './quality/datasets.ts';
import { markdownTable } from './lib/markdown-table.ts';

const quick = process.argv.includes('--quick');
const limit = quick ? 500 : undefined;
const pairs = ['paraphrase_pairs_qqp.json', 'paraphrase_pairs_docs.json'].flatMap((f) =>
  (JSON.parse(readFileSync(join(SHARED_DATA, f), 'utf8')) as ParaphrasePair[]).slice(0, limit));
const negatives = ['hard-negatives.json', 'hard-negatives-holdout.json', 'hard-negatives-holdout-2.json']
  .flatMap((f) => loadHardNegatives(f));

const sides = (a: string, b: string) => [sideFeatures(a), sideFeatures(b)] as const;
const paraphraseSides = pairs.map((p) => sides(p.origin, p.similar));
const negativeSides = negatives.map((n) => sides(n.query, n.stored));

const rows = RULES.map(([reason, rule, name]) => {
  const refused = paraphraseSides.filter(([a, b]) => rule(a, b) || rule(b, a)).length;
  const caught = negativeSides.filter(([a, b]) => rule(a, b) || rule(b, a)).length;
  return [name, reason, String(refused), `${((100 * refused) / pairs.length).toFixed(2)}%`,
    `${((100 * caught) / negatives.length).toFixed(1)}%`];
});
console.log(`Guard rules alone: ${pairs.length} shared paraphrase pairs, ${negatives.length} hard negatives (bench/data)\n`);
console.log(markdownTable(['rule', 'reason', 'paraphrases refused', 'recall cost', 'hard negatives caught'], rows, [2, 3, 4]));
