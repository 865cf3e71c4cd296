import type { CacheEntry } from '../cache/entry.ts';
import { entryId } from '../cache/entry.ts';
import { immediateReply, type Reply } from './replies.ts';
import { setHeader } from './headers.ts';

/** The cached answer, with the content-type Envoy needs (it would send text/plain otherwise). */
export function hitReply(outcome: 'exact' | 'semantic', entry: CacheEntry, similarity: number, now: number): Reply {
  return immediateReply({
    status: 200,
    headers: [
      setHeader('content-type', entry.contentType),
      setHeader('x-semantic-cache', outcome === 'exact' ? 'hit-exact' : 'hit-semantic'),
      setHeader('x-semantic-cache-similarity', similarity.toFixed(4)),
      setHeader('x-semantic-cache-entry', entryId(entry.key)),
      setHeader('age', String(Math.max(0, Math.floor((now - entry.createdAt) / 1000)))),
    ],
    body: Buffer.from(entry.response, 'utf8'),
    details: outcome === 'exact' ? 'semantic_cache_hit_exact' : 'semantic_cache_hit_semantic',
  });
}
