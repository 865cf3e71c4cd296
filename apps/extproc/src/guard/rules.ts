import { FUNCTION_WORDS, SIBLINGS } from './lexicons.ts';
import type { SideFeatures } from './side-features.ts';

/**
 * Every rule looks for a substitution: something on each side that the other side lacks. A difference on one
 * side only ("in Python 3" added to a question) is usually a paraphrase; a swap is usually a different question.
 */
export type Rule = (a: SideFeatures, b: SideFeatures) => boolean;

/** Multiset difference, so "2+2" against "2+3" leaves a 2 on one side and a 3 on the other. */
function leftover(xs: readonly string[], ys: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const y of ys) counts.set(y, (counts.get(y) ?? 0) + 1);
  return xs.filter((x) => {
    const c = counts.get(x) ?? 0;
    if (c > 0) counts.set(x, c - 1);
    return c === 0;
  });
}

const swapped = (xs: readonly string[], ys: readonly string[]): boolean =>
  leftover(xs, ys).length > 0 && leftover(ys, xs).length > 0;

export const numberRule: Rule = (a, b) => {
  if (a.expressions.size > 0 && b.expressions.size > 0 && ![...a.expressions].some((e) => b.expressions.has(e))) {
    return true;
  }
  return swapped(a.numbers, b.numbers);
};

/**
 * A count or year on one side only ("calories in 3 eggs" / "calories in eggs", "population in 1850" /
 * "population"): the number narrows the question, so the answer to the wider one is wrong for it. Versions
 * after a name ("in Python 3") and list sizes ("top 10") are exempt: the shorter question wants the same answer.
 */
export const addedNumberRule: Rule = (a, b) => {
  const added = (x: SideFeatures, y: SideFeatures): boolean =>
    leftover(x.numbers, y.numbers).some((n) => !x.incidentalNumbers.has(n));
  return added(a, b) || added(b, a);
};

/** One side asks for a different kind of answer: "...? lie", "answer in one word", "in JSON". */
export const instructionRule: Rule = (a, b) => {
  for (const g of a.instructions) if (!b.instructions.has(g)) return true;
  for (const g of b.instructions) if (!a.instructions.has(g)) return true;
  return false;
};

export const unitRule: Rule = (a, b) => swapped([...a.units], [...b.units]);

/** A name counts as missing from the other side only if no spelling of it appears there, in any case. */
function unmatched(names: readonly string[], other: SideFeatures): string[] {
  return names.filter((n) => {
    if (n.includes(' ')) return !other.lowerText.includes(n);
    if (other.vocabulary.has(n)) return false;
    if (/^(https?:|www\.)/.test(n)) return true;
    // "datasets.AudioClassification" is matched by "AudioClassification"; "CRISPR/Cas9" by "CRISPR".
    const last = n.split('.').at(-1)!;
    if (last !== n && other.vocabulary.has(last)) return false;
    return !n.split(/[/-]/).some((part) => part !== n && part.length >= 3 && other.vocabulary.has(part));
  });
}

export const entityRule: Rule = (a, b) => {
  const strongA = unmatched(a.names, b).length > 0;
  const strongB = unmatched(b.names, a).length > 0;
  const weakA = unmatched(a.weakNames, b).length > 0;
  const weakB = unmatched(b.weakNames, a).length > 0;
  return (strongA && (strongB || weakB)) || (weakA && strongB);
};

/** Lower-case swaps inside a closed group: python/java, cats/dogs, Monday/Friday. */
export const categoryRule: Rule = (a, b) => {
  const groupsOnlyIn = (x: SideFeatures, y: SideFeatures): Set<number> => {
    const out = new Set<number>();
    for (const t of x.tokens) {
      const g = SIBLINGS.get(t.lower);
      if (g !== undefined && !y.vocabulary.has(t.lower)) out.add(g);
    }
    return out;
  };
  const inB = groupsOnlyIn(b, a);
  return [...groupsOnlyIn(a, b)].some((g) => inB.has(g));
};

export const negationRule: Rule = (a, b) => a.negated !== b.negated;

export const comparisonRule: Rule = (a, b) => {
  for (const pole of a.poles) {
    const opposite = pole ^ 1;
    if (!a.poles.has(opposite) && b.poles.has(opposite) && !b.poles.has(pole)) return true;
  }
  return false;
};

const PIVOTS = new Set(['to', 'into', 'than', 'onto', 'towards', 'against']);
const WINDOW = 4;

/** (x, y) for content words x shortly before and y shortly after a directional word: "convert X to Y". */
function directedPairs(s: SideFeatures): Set<string> {
  const out = new Set<string>();
  const content = (i: number): string | null => {
    const t = s.tokens[i];
    return t && t.kind !== 'symbol' && !FUNCTION_WORDS.has(t.lower) ? t.lower : null;
  };
  s.tokens.forEach((t, p) => {
    if (!PIVOTS.has(t.lower)) return;
    for (let i = Math.max(0, p - WINDOW); i < p; i++) {
      const x = content(i);
      if (x === null) continue;
      for (let j = p + 1; j <= p + WINDOW; j++) {
        const y = content(j);
        if (y !== null && y !== x) out.add(`${x}\u0000${y}`);
      }
    }
  });
  return out;
}

export const orderRule: Rule = (a, b) => {
  const pa = directedPairs(a);
  if (pa.size === 0) return false;
  const pb = directedPairs(b);
  for (const pair of pa) {
    const [x, y] = pair.split('\u0000');
    const reverse = `${y}\u0000${x}`;
    if (pb.has(reverse) && !pb.has(pair) && !pa.has(reverse)) return true;
  }
  return false;
};

const NEGATING_PREFIXES = ['un', 'in', 'im', 'il', 'ir', 'non', 'non-', 'dis', 'a'] as const;
/** Shorter bases make accidents ("a" + "gain"); real pairs (legal/illegal, typical/atypical) are longer. */
const MIN_BASE = { a: 6, other: 4 } as const;

const words = (s: SideFeatures): Set<string> => new Set(s.tokens.filter((t) => t.kind === 'word').map((t) => t.lower));

/**
 * x has a word whose negated form (un-, im-, non-, ...) is a word on y's side, and neither side has both.
 * Whole words only: the vocabulary's split and joined forms would find "renewable" inside "non-renewable".
 */
function negatedTwin(x: Set<string>, y: Set<string>): boolean {
  for (const word of x) {
    if (y.has(word)) continue;
    for (const prefix of NEGATING_PREFIXES) {
      if (word.length < (prefix === 'a' ? MIN_BASE.a : MIN_BASE.other)) continue;
      const negated = prefix + word;
      if (y.has(negated) && !x.has(negated)) return true;
    }
  }
  return false;
}

/** Negation inside a word: "possible" against "impossible", "renewable" against "non-renewable". */
export const affixNegationRule: Rule = (a, b) => {
  const wa = words(a);
  const wb = words(b);
  return negatedTwin(wa, wb) || negatedTwin(wb, wa);
};

const OPPOSITE_PARTICLES: ReadonlyMap<string, string> = new Map([
  ['in', 'out'], ['out', 'in'], ['on', 'off'], ['off', 'on'], ['up', 'down'], ['down', 'up'],
]);

/** "verb particle" pairs: "zoom in", "turn off", "scale up". */
function particlePhrases(s: SideFeatures): Set<string> {
  const out = new Set<string>();
  for (let i = 1; i < s.tokens.length; i++) {
    const verb = s.tokens[i - 1]!;
    const particle = s.tokens[i]!;
    if (OPPOSITE_PARTICLES.has(particle.lower) && verb.kind === 'word' && !FUNCTION_WORDS.has(verb.lower)) {
      out.add(`${verb.lower} ${particle.lower}`);
    }
  }
  return out;
}

/** The same verb with the opposite particle: "zoom in" against "zoom out", "turn on" against "turn off". */
export const particleRule: Rule = (a, b) => {
  const pa = particlePhrases(a);
  if (pa.size === 0) return false;
  const pb = particlePhrases(b);
  for (const phrase of pa) {
    const [verb, particle] = phrase.split(' ') as [string, string];
    const opposite = `${verb} ${OPPOSITE_PARTICLES.get(particle)}`;
    if (pb.has(opposite) && !pb.has(phrase) && !pa.has(opposite)) return true;
  }
  return false;
};
