import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { CacheAdmin, LookupEvent, LookupStreamQuery } from '@semcache/shared';

export interface LookupStreamOptions {
  /** Ends every open stream, so that the HTTP server can close. */
  shutdown?: AbortSignal;
  keepaliveMs?: number;
  /** Writes queued but not yet taken by the client; beyond it the client is too slow and is dropped. */
  maxPending?: number;
}

const matches = (e: LookupEvent, q: LookupStreamQuery): boolean =>
  (q.namespace === undefined || e.namespace === q.namespace) && (q.outcome === undefined || e.outcome === q.outcome);

/**
 * New lookup events as server-sent events. Writes are chained so events keep their order; the listener only
 * queues, so the request path that records the event never waits for a client. A client too slow to keep
 * up is cut off rather than buffered without bound (EventSource reconnects by itself).
 */
export function streamLookups(c: Context, admin: CacheAdmin, query: LookupStreamQuery, opts: LookupStreamOptions): Response {
  const { shutdown, keepaliveMs = 15_000, maxPending = 1000 } = opts;
  const response = streamSSE(c, (stream: SSEStreamingApi) => new Promise<void>((resolve) => {
    let pending = 0;
    let chain: Promise<unknown> = stream.write(': connected\n\n');
    const enqueue = (write: () => Promise<unknown>): void => {
      if (pending >= maxPending) return stream.abort();
      pending++;
      chain = chain.then(write).finally(() => pending--);
    };
    const unsubscribe = admin.onLookup((event) => {
      if (matches(event, query)) enqueue(() => stream.writeSSE({ event: 'lookup', id: event.id, data: JSON.stringify(event) }));
    });
    const keepalive = setInterval(() => enqueue(() => stream.write(': keepalive\n\n')), keepaliveMs);
    keepalive.unref();
    const end = (): void => stream.abort();
    stream.onAbort(() => {
      unsubscribe();
      clearInterval(keepalive);
      shutdown?.removeEventListener('abort', end);
      resolve();
    });
    if (shutdown?.aborted) end();
    else shutdown?.addEventListener('abort', end, { once: true });
  }));
  // The connection serves this stream only: once it ends the socket goes too, rather than idling in keep-alive
  // and holding up a server that is closing.
  response.headers.set('Connection', 'close');
  return response;
}
