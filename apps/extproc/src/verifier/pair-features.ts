import { BuiltinHashedEmbedder } from '../embedders/builtin-hashed.ts';
import { candidateFeatures, RULES, ruleSignals } from '../guard/false-hit-guard.ts';
import { FUNCTION_WORDS } from '../guard/lexicons.ts';
import { sideFeatures, type SideFeatures } from '../guard/side-features.ts';
import type { VerifierInput } from './verifier.ts';

const QUESTION_WORDS = ['what', 'how', 'why', 'when', 'where', 'who', 'which', 'can', 'is', 'does', 'should'] as const;
/** Longer words are rarer: one of them on each side only is a swap the guard's lists may not know. */
const LONG_WORD = 7;

/** The feature vector's layout; a model file lists the names it was trained on and must match. */
export const FEATURE_NAMES: readonly string[] = [
  'similarity', 'similarity-above-0.8', 'similarity-above-0.9', 'builtin-similarity',
  ...RULES.map(([, , name]) => `rule-${name}`),
  'content-jaccard', 'bigram-jaccard', 'query-only-words', 'candidate-only-words', 'both-sides-unmatched',
  'long-words-swapped', 'names-unmatched', 'same-first-word', 'same-first-two-words', 'question-word-differs',
  'head-overlap', 'word-length-ratio', 'char-length-log-ratio', 'sentences-differ', 'shorter-words',
];

const builtin = new BuiltinHashedEmbedder({ dimensions: 256 });
const vectorMemo = new Map<string, Float32Array>();
const VECTOR_MEMO_SIZE = 4096;

/** Cached prompts recur as candidates: their built-in vectors are kept, as the guard keeps their features. */
function builtinVector(text: string, memo: boolean): Float32Array {
  let v = vectorMemo.get(text);
  if (v === undefined) {
    v = builtin.embedOne(text);
    if (memo) {
      if (vectorMemo.size >= VECTOR_MEMO_SIZE) vectorMemo.delete(vectorMemo.keys().next().value!);
      vectorMemo.set(text, v);
    }
  }
  return v;
}

/** The built-in embedder's vectors of a pair, query first: the built-in model reads them whatever embedder is active. */
export const builtinPairVectors = (query: string, candidate: string): PairVectors => [builtinVector(query, false), builtinVector(candidate, true)];

/** Two unit vectors, the query's first. */
export type PairVectors = readonly [Float32Array, Float32Array];

const dot = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

const stem = (w: string): string => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w);

interface Words {
  readonly all: readonly string[];
  readonly content: ReadonlySet<string>;
}

function wordsOf(s: SideFeatures): Words {
  const all = s.tokens.filter((t) => t.kind !== 'symbol').map((t) => stem(t.lower));
  return { all, content: new Set(all.filter((w) => !FUNCTION_WORDS.has(w))) };
}

const jaccard = (a: ReadonlySet<string>, b: ReadonlySet<string>): number => {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
};

const bigrams = (words: readonly string[]): Set<string> => {
  const out = new Set<string>();
  for (let i = 1; i < words.length; i++) out.add(`${words[i - 1]} ${words[i]}`);
  return out;
};

const only = (a: ReadonlySet<string>, b: ReadonlySet<string>): string[] => [...a].filter((x) => !b.has(x));

const questionWord = (w: Words): string => QUESTION_WORDS.find((q) => w.all.includes(q)) ?? '';

const sentences = (text: string): number => text.split(/[.?!]+/).filter((s) => s.trim() !== '').length;

/**
 * What the learned verifier sees of a pair: similarities, every guard rule's verdict, and where the words
 * differ. Without a model of the active embedder, its similarity is replaced by the built-in one. Plain numbers in FEATURE_NAMES order; about 20 µs a pair, most of it in the guard's tokenizer.
 */
export function pairFeatures(input: VerifierInput, opts: { builtinSimilarityOnly?: boolean; builtinVectors?: PairVectors } = {}): Float64Array {
  const q = sideFeatures(input.query);
  const c = candidateFeatures(input.candidate);
  const qw = wordsOf(q);
  const cw = wordsOf(c);
  const qOnly = only(qw.content, cw.content);
  const cOnly = only(cw.content, qw.content);
  const long = (ws: readonly string[]) => ws.some((w) => w.length >= LONG_WORD);
  const unmatchedNames = q.names.filter((n) => !c.vocabulary.has(n)).length + c.names.filter((n) => !q.vocabulary.has(n)).length;
  const head = (w: Words) => new Set(w.all.slice(0, 3));
  const builtinSimilarity = dot(...(opts.builtinVectors ?? builtinPairVectors(input.query, input.candidate)));
  const similarity = opts.builtinSimilarityOnly ? builtinSimilarity : input.similarity;
  const lengths = [qw.all.length, cw.all.length].sort((x, y) => x - y) as [number, number];
  const out = [
    similarity,
    Math.max(0, similarity - 0.8),
    Math.max(0, similarity - 0.9),
    builtinSimilarity,
    ...ruleSignals(q, c).map(Number),
    jaccard(qw.content, cw.content),
    jaccard(bigrams(qw.all), bigrams(cw.all)),
    Math.log1p(qOnly.length),
    Math.log1p(cOnly.length),
    Number(qOnly.length > 0 && cOnly.length > 0),
    Number(long(qOnly) && long(cOnly)),
    Math.log1p(unmatchedNames),
    Number(qw.all[0] === cw.all[0]),
    Number(qw.all.slice(0, 2).join(' ') === cw.all.slice(0, 2).join(' ')),
    Number(questionWord(qw) !== questionWord(cw)),
    jaccard(head(qw), head(cw)),
    lengths[1] === 0 ? 1 : lengths[0] / lengths[1],
    Math.abs(Math.log((input.query.length + 1) / (input.candidate.length + 1))),
    Number(sentences(input.query) !== sentences(input.candidate)),
    Math.log1p(lengths[0]),
  ];
  return Float64Array.from(out);
}
