export type TokenKind = 'word' | 'number' | 'code' | 'url' | 'quoted' | 'symbol';

export interface Token {
  readonly raw: string;
  readonly lower: string;
  readonly kind: TokenKind;
  /** First word of the text or of a sentence: its capital letter says nothing about being a name. */
  readonly sentenceStart: boolean;
  /** Written against the token before it with no space: the "FA" of "2FA", the "k" of "60k". */
  readonly attached: boolean;
}

const TOKEN_RE = new RegExp(
  [
    String.raw`(?<url>https?://\S+|www\.\S+)`,
    String.raw`["\u201c](?<dq>[^"\u201c\u201d]{1,80})["\u201d]`,
    String.raw`\u0060(?<bq>[^\u0060]{1,80})\u0060`,
    String.raw`(?<num>\d+(?:[.,]\d+)*)`,
    String.raw`(?<word>[\p{L}\p{M}_][\p{L}\p{M}\p{N}_]*(?:['.\-/][\p{L}\p{M}\p{N}_]+)*(?:\(\))?)`,
    String.raw`(?<end>[.?!;:\n]+)`,
    String.raw`(?<sym>[+\-*/^=<>%$€£¥°#&|])`,
  ].join('|'),
  'gu',
);

const CODE_SHAPE = /[_()]|[a-z][A-Z]|\p{L}\.\p{L}|\p{L}\p{N}|\p{N}\p{L}/u;

/**
 * Splits a prompt into tokens that keep their original case, so capitals can mark names. Apostrophes stay
 * inside words ("don't"), dotted and snake/camel-case identifiers stay whole ("os.path.join", "getUserId").
 */
export function tokenizeCased(text: string): Token[] {
  const tokens: Token[] = [];
  let atStart = true;
  const normalized = text.normalize('NFKC').replace(/[\u2018\u2019]/g, "'");
  let lastEnd = -1;
  for (const m of normalized.matchAll(TOKEN_RE)) {
    const attached = m.index === lastEnd;
    lastEnd = m.index + m[0].length;
    const g = m.groups!;
    const push = (raw: string, kind: TokenKind): void => {
      tokens.push({ raw, lower: raw.toLowerCase(), kind, sentenceStart: atStart && kind === 'word', attached });
    };
    if (g.url !== undefined) push(g.url.replace(/[.,;:!?)]+$/, ''), 'url');
    else if (g.dq !== undefined) push(g.dq.trim(), 'quoted');
    else if (g.bq !== undefined) push(g.bq.trim(), 'code');
    else if (g.num !== undefined) push(g.num, 'number');
    else if (g.word !== undefined) push(g.word, CODE_SHAPE.test(g.word) ? 'code' : 'word');
    else if (g.end !== undefined) {
      atStart = true;
      continue;
    } else if (g.sym !== undefined) push(g.sym, 'symbol');
    if (g.sym === undefined) atStart = false;
  }
  return tokens;
}
