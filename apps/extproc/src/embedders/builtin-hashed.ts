import type { EmbedderIdentity } from '@semcache/shared';
import { l2normalize, type Embedder } from './embedder.ts';

const UNIGRAM_WEIGHT = 1.0;
const BIGRAM_WEIGHT = 0.5;
const TRIGRAM_WEIGHT = 0.7;
/** Filler words still count a little: removing them outright made "how to X" and "X" identical. */
const STOP_WEIGHT = 0.3;

/**
 * Function words and conversational filler. Negations and comparison/direction words are deliberately absent:
 * they change the answer, so they keep full weight here and the false-hit guard looks at them again.
 */
const STOP_WORDS = new Set(
  (
    'a an the and or but if so of to in on at by for from with about into onto over as than then ' +
    'is am are was were be been being do does did done doing have has had having ' +
    'i me my mine we us our you your yours he him his she her it its they them their this that these those ' +
    'what which who whom whose when where why how there here ' +
    'can could would should will shall may might must ' +
    'any some anyway anyways actually really just please basically exactly simply kindly ' +
    "also very quite maybe perhaps pretty tell know explain give let let's i'm it's what's ok okay hey hi hello " +
    'thanks thank'
  ).split(' '),
);

const TOKEN = /[\p{L}\p{M}\p{N}]+(?:'[\p{L}\p{M}]+)*/gu;

export function tokenize(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().replace(/[\u2018\u2019`]/g, "'").match(TOKEN) ?? [];
}

/** An emoji (with its modifiers and joined parts) or another symbol character. */
const SYMBOL = /\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\uFE0F|\u200D\p{Extended_Pictographic})*|\p{S}/gu;
const PUNCTUATION = /\p{P}/gu;
/** Text that may hold a symbol: beyond ASCII, or one of ASCII's symbol characters. Most prompts have neither. */
const MAYBE_SYMBOL = /[^\x00-\x7f]|[$+<=>^`|~]/;

/**
 * Emoji and symbols, which words leave out: without them `🍕🍕🍕?` and `😡😡` were both the zero vector.
 * Punctuation counts only in a prompt that has nothing else (`???` vs `!!!`): elsewhere it is noise.
 */
export function symbolTokens(text: string, hasWords: boolean): string[] {
  if (hasWords && !MAYBE_SYMBOL.test(text)) return [];
  const normalized = text.normalize('NFKC');
  const symbols = normalized.match(SYMBOL) ?? [];
  if (symbols.length > 0 || hasWords) return symbols;
  return normalized.match(PUNCTUATION) ?? [];
}

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a over s[start, end), continuing from h: a feature's key is hashed in parts, never built as a string. */
function fnv(h: number, s: string, start = 0, end = s.length): number {
  for (let i = start; i < end; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/** murmur3's finaliser after FNV-1a, so nearby strings spread over all bits. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const UNIGRAM = fnv(FNV_OFFSET, 'w ');
const BIGRAM = fnv(FNV_OFFSET, 'b ');
const TRIGRAM = fnv(FNV_OFFSET, 'c ');
const SYMBOL_FEATURE = fnv(FNV_OFFSET, 's ');

/**
 * Deterministic lexical embedder that needs no model: word unigrams, word bigrams, character trigrams and
 * symbols, hashed with a sign into a fixed number of buckets, sublinear term frequency, L2-normalised.
 */
export class BuiltinHashedEmbedder implements Embedder {
  readonly identity: EmbedderIdentity;
  /** Measured by bench/hit-quality.ts (docs/benchmarks-quality.md): best guarded recall at ≤ 5% measured easy false hits. */
  readonly defaultThreshold = 0.78;
  private readonly dimensions: number;

  constructor(opts: { dimensions: number }) {
    if (!Number.isInteger(opts.dimensions) || opts.dimensions <= 0) {
      throw new Error(`builtin embedder: dimensions must be a positive integer, got ${opts.dimensions}`);
    }
    this.dimensions = opts.dimensions;
    this.identity = { provider: 'builtin', model: 'hashed-ngrams', version: '1', dimensions: opts.dimensions };
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  /** Synchronous: the learned verifier compares built-in vectors on the lookup path without a promise. */
  embedOne(text: string): Float32Array {
    // Feature hash -> index into weights/counts; Map order is first-seen order, as the sum below relies on.
    const index = new Map<number, number>();
    const weights: number[] = [];
    const counts: number[] = [];
    const add = (hash: number, weight: number): void => {
      const at = index.get(hash);
      if (at !== undefined) counts[at]!++;
      else {
        index.set(hash, weights.length);
        weights.push(weight);
        counts.push(1);
      }
    };
    const words = tokenize(text);
    const wordWeights = words.map((w) => (STOP_WORDS.has(w) ? STOP_WEIGHT : 1));
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      const ww = wordWeights[i]!;
      add(finish(fnv(UNIGRAM, word)), UNIGRAM_WEIGHT * ww);
      if (i > 0) add(finish(fnv(fnv(fnv(BIGRAM, words[i - 1]!), ' '), word)), BIGRAM_WEIGHT * Math.max(ww, wordWeights[i - 1]!));
      const padded = `^${word}$`;
      for (let j = 0; j + 3 <= padded.length; j++) add(finish(fnv(TRIGRAM, padded, j, j + 3)), TRIGRAM_WEIGHT * ww);
    }
    for (const symbol of symbolTokens(text, words.length > 0)) add(finish(fnv(SYMBOL_FEATURE, symbol)), UNIGRAM_WEIGHT);
    const v = new Float32Array(this.dimensions);
    for (const [h, at] of index) {
      const sign = h & 1 ? -1 : 1;
      const bucket = (h >>> 1) % this.dimensions;
      v[bucket] = v[bucket]! + sign * weights[at]! * (1 + Math.log(counts[at]!));
    }
    return l2normalize(v);
  }
}
