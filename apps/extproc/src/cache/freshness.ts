import type { NamespaceSettings } from '@semcache/shared';
import { allowedMode, type CacheMode } from './client-controls.ts';

/** What a request asked about freshness: its `cache-control` directives and `x-semantic-cache-ttl`. */
export interface FreshnessRequest {
  /** Look up, do not store. */
  noStore: boolean;
  /** Do not serve from the cache; store the fresh answer. */
  noCache: boolean;
  /** Serve only an entry at most this many seconds old. */
  maxAgeSeconds: number | null;
  /** Never call the model: a miss is answered 504. */
  onlyIfCached: boolean;
  /** Lifetime asked for the answer, if it is stored. */
  ttlSeconds: number | null;
}

export const NO_FRESHNESS: FreshnessRequest = { noStore: false, noCache: false, maxAgeSeconds: null, onlyIfCached: false, ttlSeconds: null };

/** What the engine acts on for one request, once the namespace's clientControls have had their say. */
export interface Freshness {
  mode: CacheMode;
  /** Entries older than this many seconds (their `age` header) are not served; null: any unexpired entry is. */
  maxAgeSeconds: number | null;
  onlyIfCached: boolean;
  /** Lifetime of the answer if it is stored. */
  ttlSeconds: number;
  /** Whether the fresh answer may replace an entry this request refused as too old: that changes what everyone gets. */
  mayReplace: boolean;
}

const SECONDS = /^\d{1,10}$/;

/**
 * The directives of a `cache-control` request header that a cache of answers can honour (RFC 9111 5.2.1).
 * Unknown directives and malformed values are ignored, as HTTP caches do; case and spacing do not matter.
 */
export function parseCacheControl(value: string | undefined): Omit<FreshnessRequest, 'ttlSeconds'> {
  const out: Omit<FreshnessRequest, 'ttlSeconds'> = { noStore: false, noCache: false, maxAgeSeconds: null, onlyIfCached: false };
  for (const part of (value ?? '').split(',')) {
    const [rawName = '', ...rest] = part.split('=');
    const name = rawName.trim().toLowerCase();
    const arg = rest.join('=').trim().replace(/^"(.*)"$/, '$1');
    if (name === 'no-store') out.noStore = true;
    else if (name === 'no-cache') out.noCache = true;
    else if (name === 'only-if-cached') out.onlyIfCached = true;
    // Of several max-age directives the strictest wins: serving an older entry than one of them allows is wrong.
    else if (name === 'max-age' && SECONDS.test(arg)) out.maxAgeSeconds = Math.min(out.maxAgeSeconds ?? Infinity, Number(arg));
  }
  return out;
}

/** `x-semantic-cache-ttl: N`, whole seconds; anything else is ignored (null). */
export function parseTtl(value: string | undefined): number | null {
  const v = value?.trim() ?? '';
  return SECONDS.test(v) ? Number(v) : null;
}

/**
 * Maps a request's controls onto what its namespace allows. `off` ignores them all. `read-only` allows what only
 * lessens caching or narrows what is read (no-store, max-age, only-if-cached, a shorter lifetime); its no-cache
 * skips the lookup without storing, since storing would replace the answer every other client gets. `all` also
 * lets no-cache store, a refused stale entry be replaced, and a lifetime up to maxTtlSeconds.
 */
export function effectiveFreshness(
  requested: CacheMode, req: FreshnessRequest, settings: Pick<NamespaceSettings, 'clientControls' | 'ttlSeconds' | 'maxTtlSeconds'>,
): Freshness {
  const controls = settings.clientControls;
  let mode = allowedMode(requested, controls);
  if (controls === 'off') return { mode, maxAgeSeconds: null, onlyIfCached: false, ttlSeconds: settings.ttlSeconds, mayReplace: false };
  const noStore = req.noStore || req.ttlSeconds === 0;
  if (req.noCache) mode = mode === 'bypass' || noStore || mode === 'no-store' || controls !== 'all' ? 'bypass' : 'refresh';
  else if (noStore && mode !== 'bypass') mode = mode === 'refresh' ? 'bypass' : 'no-store';
  const cap = controls === 'all' ? settings.maxTtlSeconds : Math.min(settings.ttlSeconds, settings.maxTtlSeconds);
  return {
    mode,
    maxAgeSeconds: req.maxAgeSeconds,
    onlyIfCached: req.onlyIfCached,
    ttlSeconds: req.ttlSeconds ? Math.min(req.ttlSeconds, cap) : settings.ttlSeconds,
    mayReplace: controls === 'all',
  };
}

/** An entry's age in whole seconds, as the `age` response header gives it. */
export const ageSeconds = (createdAt: number, now: number): number => Math.max(0, Math.floor((now - createdAt) / 1000));

/** Whether an entry created at `createdAt` is young enough for this request. */
export function youngEnough(createdAt: number, now: number, freshness: Pick<Freshness, 'maxAgeSeconds'>): boolean {
  return freshness.maxAgeSeconds === null || ageSeconds(createdAt, now) <= freshness.maxAgeSeconds;
}
