import type { CacheEntry } from '../cache/entry.ts';
import { entryId } from '../cache/entry.ts';
import type { RenderedAnswer } from '../answers/replay.ts';
import { immediateReply, type Reply } from './replies.ts';
import { setHeader } from './headers.ts';
import type { TokenReport } from './token-usage.ts';

export interface HitReplyInput {
  outcome: 'exact' | 'semantic';
  entry: CacheEntry;
  similarity: number;
  /** The answer in the form the request asked for (JSON or SSE). */
  answer: RenderedAnswer;
  tokens: TokenReport;
  now: number;
}

/** The cached answer, with the content-type Envoy needs (it would send text/plain otherwise). */
export function hitReply(hit: HitReplyInput): Reply {
  const { entry, outcome } = hit;
  return immediateReply({
    status: 200,
    headers: [
      setHeader('content-type', hit.answer.contentType),
      setHeader('x-semantic-cache', outcome === 'exact' ? 'hit-exact' : 'hit-semantic'),
      setHeader('x-semantic-cache-similarity', hit.similarity.toFixed(4)),
      setHeader('x-semantic-cache-entry', entryId(entry.key)),
      setHeader('age', String(Math.max(0, Math.floor((hit.now - entry.createdAt) / 1000)))),
      ...hit.tokens.headers,
    ],
    body: hit.answer.body,
    details: outcome === 'exact' ? 'semantic_cache_hit_exact' : 'semantic_cache_hit_semantic',
    dynamicMetadata: hit.tokens.metadata,
  });
}
