import { AMBIGUOUS_UNITS, DEMONYMS, FUNCTION_WORDS, MAGNITUDE_WORDS, NEGATIONS, NOT_ENTITIES, NUMBER_WORDS,
  OPPOSITE_POLES, UNITS } from './lexicons.ts';
import { instructionGroups } from './instructions.ts';
import { tokenizeCased, type Token } from './text-features.ts';

/** What the guard compares about one side of a (query, candidate) pair. */
export interface SideFeatures {
  readonly tokens: readonly Token[];
  /** Every lower-cased form a name on the other side could be matched against. */
  readonly vocabulary: ReadonlySet<string>;
  readonly lowerText: string;
  readonly numbers: readonly string[];
  /**
   * Numbers the other side may leave out without asking another question: versions after a name ("Python 3",
   * "Windows 10"), list sizes ("top 10", "5 best"), where the shorter question wants the same list, and digits
   * inside a name ("2FA", "4K"), which the other side may spell out.
   */
  readonly incidentalNumbers: ReadonlySet<string>;
  readonly expressions: ReadonlySet<string>;
  readonly units: ReadonlySet<string>;
  /** Names marked by a capital mid-sentence, an acronym, quotes, code shape or a URL. */
  readonly names: readonly string[];
  /** A capitalised first word that is not a function word: a name only if the other side has a clear one. */
  readonly weakNames: readonly string[];
  readonly negated: boolean;
  /** Poles of opposite pairs present (see OPPOSITE_POLES). */
  readonly poles: ReadonlySet<number>;
  /** Demands on the answer's form or truth (see instructions.ts). */
  readonly instructions: ReadonlySet<string>;
}

const ROMAN = /^(?=[MDCLXVI]{2,}$)M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$/;
const OPERATORS = new Set(['+', '-', '*', '/', '^', 'x', '×', '÷', '=']);

export const canonicalName = (lower: string): string => {
  const bare = lower.replace(/'s?$/, '');
  return DEMONYMS.get(bare) ?? bare;
};

const romanValue = (s: string): number => {
  const v: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100, D: 500, M: 1000 };
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const cur = v[s[i]!]!;
    const next = v[s[i + 1] ?? ''] ?? 0;
    total += cur < next ? -cur : cur;
  }
  return total;
};

function numberOf(t: Token, prev: Token | undefined): number | string | null {
  if (t.kind === 'number') {
    const n = Number(t.lower.replace(/,/g, ''));
    // Versions and addresses ("3.12.1", "127.0.0.1") are not numbers but must still match exactly.
    return Number.isFinite(n) ? n : t.lower;
  }
  if (t.kind !== 'word') return null;
  if (ROMAN.test(t.raw)) return romanValue(t.raw);
  // "World War I": a lone capital I right after a capitalised name is a numeral, not the pronoun.
  if (t.raw === 'I' && prev !== undefined && /^\p{Lu}/u.test(prev.raw) && !prev.sentenceStart) return 1;
  // "the second amendment"; without "the", "second" is mostly a unit of time and "first" an order word.
  if (prev?.lower === 'the' && (t.lower === 'first' || t.lower === 'second')) return t.lower === 'first' ? 1 : 2;
  return NUMBER_WORDS.get(t.lower) ?? null;
}

function collectNumbers(tokens: readonly Token[]): string[] {
  const out: (number | string)[] = [];
  let prevWasNumber = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const magnitude = t.kind === 'word' ? MAGNITUDE_WORDS.get(t.lower) : undefined;
    if (magnitude !== undefined) {
      // "two hundred" is one number, 200, so it matches "200" on the other side.
      const last = out.at(-1);
      if (prevWasNumber && typeof last === 'number') out[out.length - 1] = last * magnitude;
      else out.push(magnitude);
      prevWasNumber = true;
      continue;
    }
    const n = numberOf(t, tokens[i - 1]);
    prevWasNumber = n !== null;
    // "20k" is written as often as "20000" in prices and salaries.
    const scale = t.kind === 'number' && tokens[i + 1]?.lower === 'k' ? 1e3 : 1;
    if (n !== null) out.push(typeof n === 'number' ? n * scale : n);
  }
  return out.map(String);
}

const LIST_WORDS = new Set(['top', 'best', 'greatest', 'worst', 'most', 'favorite', 'favourite', 'famous', 'popular']);

const isVersion = (t: Token, prev: Token | undefined): boolean =>
  prev !== undefined && !prev.sentenceStart && (prev.kind === 'code' || (prev.kind === 'word' && /^\p{Lu}/u.test(prev.raw)));

function collectIncidentalNumbers(tokens: readonly Token[]): Set<string> {
  const out = new Set<string>();
  tokens.forEach((t, i) => {
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const listSize = LIST_WORDS.has(prev?.lower ?? '') || LIST_WORDS.has(next?.lower ?? '');
    const inName = next?.attached === true && next.kind === 'word' && next.lower !== 'k';
    if (t.kind === 'number' && (isVersion(t, prev) || listSize || inName)) out.add(String(Number(t.lower.replace(/,/g, ''))));
    else if (listSize && NUMBER_WORDS.has(t.lower)) out.add(String(NUMBER_WORDS.get(t.lower)));
  });
  return out;
}

/** "2+2", "3 x 4 = 12": the whole expression, so an operator swap counts as a different number question. */
function collectExpressions(tokens: readonly Token[]): Set<string> {
  const out = new Set<string>();
  let expr = '';
  let operators = 0;
  const flush = (): void => {
    if (operators > 0 && /\d$/.test(expr)) out.add(expr);
    expr = '';
    operators = 0;
  };
  for (const t of tokens) {
    if (t.kind === 'number') expr += t.lower;
    else if (expr !== '' && OPERATORS.has(t.lower) && /\d$/.test(expr)) {
      expr += t.lower;
      operators++;
    } else flush();
  }
  flush();
  return out;
}

function collectUnits(tokens: readonly Token[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const prev = tokens[i - 1];
    if (t.lower === '°' && (tokens[i + 1]?.lower === 'c' || tokens[i + 1]?.lower === 'f')) {
      out.add(tokens[i + 1]!.lower === 'c' ? 'celsius' : 'fahrenheit');
      i++;
      continue;
    }
    const unit = UNITS.get(t.lower);
    if (unit === undefined) continue;
    const afterNumber = prev !== undefined && (prev.kind === 'number' || NUMBER_WORDS.has(prev.lower));
    if (!AMBIGUOUS_UNITS.has(t.lower) || afterNumber) out.add(unit);
  }
  return out;
}

const hasLetters = (s: string): boolean => /\p{L}/u.test(s);
const isCapitalised = (t: Token): boolean => /^\p{Lu}/u.test(t.raw);
const isAcronym = (t: Token): boolean => t.raw.length >= 2 && t.raw === t.raw.toUpperCase() && hasLetters(t.raw);

function collectNames(tokens: readonly Token[]): { names: string[]; weakNames: string[] } {
  const words = tokens.filter((t) => t.kind === 'word' && !t.sentenceStart);
  const share = (pred: (t: Token) => boolean): number =>
    words.length < 3 ? 0 : words.filter(pred).length / words.length;
  // Title Case and SHOUTING texts capitalise everything, so their capitals mark nothing.
  const titleCase = share(isCapitalised) >= 0.75;
  const shouting = share(isAcronym) >= 0.75;
  const names: string[] = [];
  const weakNames: string[] = [];
  for (const t of tokens) {
    if (NOT_ENTITIES.has(t.lower)) continue;
    if (t.kind === 'url' || t.kind === 'quoted' || t.kind === 'code') names.push(t.lower);
    else if (t.kind !== 'word' || ROMAN.test(t.raw)) continue;
    else if (isAcronym(t) && !shouting) names.push(canonicalName(t.lower));
    else if (!isCapitalised(t) || titleCase || shouting) continue;
    else if (!t.sentenceStart) names.push(canonicalName(t.lower));
    else if (!FUNCTION_WORDS.has(t.lower)) weakNames.push(canonicalName(t.lower));
  }
  return { names, weakNames };
}

export function sideFeatures(text: string): SideFeatures {
  const tokens = tokenizeCased(text);
  const vocabulary = new Set<string>();
  tokens.forEach((t, i) => {
    vocabulary.add(t.lower);
    vocabulary.add(canonicalName(t.lower));
    if (t.lower.endsWith('s')) vocabulary.add(t.lower.slice(0, -1));
    for (const part of t.lower.split(/[./_-]/)) vocabulary.add(part);
    // "Hugging Face" on one side matches "HuggingFace" on the other.
    const next = tokens[i + 1];
    if (next !== undefined) vocabulary.add(t.lower + next.lower);
  });
  return {
    tokens,
    vocabulary,
    lowerText: tokens.map((t) => t.lower).join(' '),
    numbers: collectNumbers(tokens),
    incidentalNumbers: collectIncidentalNumbers(tokens),
    expressions: collectExpressions(tokens),
    units: collectUnits(tokens),
    ...collectNames(tokens),
    negated: tokens.some((t) => NEGATIONS.has(t.lower) || t.lower.endsWith("n't")),
    poles: new Set(tokens.flatMap((t) => OPPOSITE_POLES.get(t.lower) ?? [])),
    instructions: instructionGroups(text),
  };
}
