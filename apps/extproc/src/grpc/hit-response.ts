import type { CacheEntry } from '../cache/entry.ts';
import { entryId } from '../cache/entry.ts';
import { ageSeconds } from '../cache/freshness.ts';
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

/** Response header with the seconds an answer stays in the cache: what remains on a hit, the lifetime on a miss. */
export const TTL_HEADER = 'x-semantic-cache-ttl';

/**
 * The cached answer, with the content-type Envoy needs (it would send text/plain otherwise), and its freshness
 * as HTTP caches read it: `age` plus `max-age` of its lifetime. `private`: the answer may belong to one tenant.
 */
export function hitReply(hit: HitReplyInput): Reply {
  const { entry, outcome } = hit;
  const lifetime = Math.max(0, Math.floor((entry.expiresAt - entry.createdAt) / 1000));
  const remaining = Math.max(0, Math.ceil((entry.expiresAt - hit.now) / 1000));
  return immediateReply({
    status: 200,
    headers: [
      setHeader('content-type', hit.answer.contentType),
      setHeader('x-semantic-cache', outcome === 'exact' ? 'hit-exact' : 'hit-semantic'),
      setHeader('x-semantic-cache-similarity', hit.similarity.toFixed(4)),
      setHeader('x-semantic-cache-entry', entryId(entry.key)),
      setHeader('age', String(ageSeconds(entry.createdAt, hit.now))),
      setHeader('cache-control', `private, max-age=${lifetime}`),
      setHeader(TTL_HEADER, String(remaining)),
      ...hit.tokens.headers,
    ],
    body: hit.answer.body,
    details: outcome === 'exact' ? 'semantic_cache_hit_exact' : 'semantic_cache_hit_semantic',
    dynamicMetadata: hit.tokens.metadata,
  });
}

/** `cache-control: only-if-cached` and nothing fresh enough in the cache: HTTP's answer is 504, the model is not asked. */
export function onlyIfCachedReply(): Reply {
  const body = Buffer.from(JSON.stringify({
    error: { message: 'no cached answer, and the request said only-if-cached', type: 'cache_miss', code: 'only_if_cached' },
  }));
  return immediateReply({
    status: 504,
    headers: [setHeader('content-type', 'application/json'), setHeader('x-semantic-cache', 'miss')],
    body,
    details: 'semantic_cache_only_if_cached_miss',
  });
}
