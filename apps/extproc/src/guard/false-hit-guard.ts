import { addedNumberRule, affixNegationRule, categoryRule, comparisonRule, entityRule, instructionRule, negationRule,
  numberRule, orderRule, particleRule, unitRule, type Rule } from './rules.ts';
import { sideFeatures, type SideFeatures } from './side-features.ts';

export type FalseHitReason =
  'number' | 'unit' | 'entity' | 'category' | 'negation' | 'comparison' | 'order' | 'instruction';

/** Cheapest and most certain first: the first rule that fires names the reason. [reason, rule, rule name]. */
export const RULES: readonly (readonly [FalseHitReason, Rule, string])[] = [
  ['number', numberRule, 'number-swap'],
  ['unit', unitRule, 'unit'],
  // After the swap rules, so that a swap is named as such; an added number is a narrower question.
  ['number', addedNumberRule, 'number-added'],
  ['instruction', instructionRule, 'instruction'],
  ['negation', negationRule, 'negation'],
  ['comparison', comparisonRule, 'comparison'],
  ['comparison', particleRule, 'particle'],
  // After the word lists: un-/dis- pairs that are really opposite actions (install/uninstall) are named there.
  ['negation', affixNegationRule, 'affix-negation'],
  ['entity', entityRule, 'entity'],
  ['category', categoryRule, 'category'],
  ['order', orderRule, 'order'],
];

/** Cached prompts recur as candidates far more often than queries repeat: their features are kept. */
const CANDIDATE_MEMO_SIZE = 4096;
const candidateMemo = new Map<string, SideFeatures>();

function candidateFeatures(text: string): SideFeatures {
  let features = candidateMemo.get(text);
  if (features === undefined) {
    features = sideFeatures(text);
    if (candidateMemo.size >= CANDIDATE_MEMO_SIZE) candidateMemo.delete(candidateMemo.keys().next().value!);
    candidateMemo.set(text, features);
  }
  return features;
}

/**
 * Decides whether a cached prompt that passed the similarity threshold may answer the query. Embeddings rate
 * "capital of France" and "capital of Germany" as near-identical, so this looks for the swaps they miss.
 * Returns null to serve, or the reason the candidate must not answer.
 */
export function checkFalseHit(query: string, candidate: string): FalseHitReason | null {
  const q = sideFeatures(query);
  const c = candidateFeatures(candidate);
  for (const [reason, rule] of RULES) if (rule(q, c)) return reason;
  return null;
}

/** Every rule's verdict on the pair, in RULES order: the learned verifier weighs them as features. */
export function ruleSignals(query: SideFeatures, candidate: SideFeatures): boolean[] {
  return RULES.map(([, rule]) => rule(query, candidate));
}

export { candidateFeatures };
