import type { EndpointKind } from '@semcache/shared';
import { fromCompletion } from '../answers/canonical-answer.ts';
import type { Embedder } from '../embedders/embedder.ts';

/** Near-exact for a deterministic answer: the same words in the same order, up to case, white space and punctuation. */
const normalise = (text: string): string => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** The text of a stored answer that carries its meaning: every choice's content and tool calls. */
export function answerText(endpoint: EndpointKind, response: string): string | null {
  let doc: unknown;
  try {
    doc = JSON.parse(response);
  } catch {
    return null;
  }
  const answer = fromCompletion(doc, endpoint);
  if (!answer) return null;
  return answer.choices
    .map((c) => [c.content ?? '', ...c.toolCalls.map((t) => `${t.name}(${t.arguments})`)].join('\n'))
    .join('\n\n');
}

export interface AnswerPair {
  endpoint: EndpointKind;
  cached: string;
  fresh: string;
  /** temperature 0: the model gives one answer, so the same meaning is the same text. */
  deterministic: boolean;
}

/**
 * Whether the cached answer means what the model's fresh answer does. A deterministic request compares the
 * texts; any other compares their embeddings against `level` (the namespace's threshold: the similarity the
 * embedder was calibrated to call the same meaning). Null when either answer has no text to compare.
 */
export async function sameAnswer(pair: AnswerPair, embedder: Embedder, level: number): Promise<boolean | null> {
  const cached = answerText(pair.endpoint, pair.cached);
  const fresh = answerText(pair.endpoint, pair.fresh);
  if (cached === null || fresh === null) return null;
  const a = normalise(cached);
  const b = normalise(fresh);
  if (a === b) return true;
  if (pair.deterministic) return false;
  if (embedder.fits?.(cached) === false || embedder.fits?.(fresh) === false) return false;
  const [x, y] = (await embedder.embed([cached, fresh])) as [Float32Array, Float32Array];
  let dot = 0;
  for (let i = 0; i < x.length; i++) dot += x[i]! * y[i]!;
  return dot >= level;
}
