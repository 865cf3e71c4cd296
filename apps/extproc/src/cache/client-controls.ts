import type { ClientControls } from '@semcache/shared';

/** What the caller asked of the cache for this request (the `x-semantic-cache` request header). */
export type CacheMode = 'normal' | 'no-store' | 'refresh' | 'bypass';

const ALLOWED: Record<ClientControls, ReadonlySet<CacheMode>> = {
  off: new Set(),
  'read-only': new Set(['bypass', 'no-store']),
  all: new Set(['bypass', 'no-store', 'refresh']),
};

/** The mode the cache acts on: a control the namespace does not allow is ignored, as if it were not sent. */
export function allowedMode(requested: CacheMode, controls: ClientControls): CacheMode {
  return requested === 'normal' || ALLOWED[controls].has(requested) ? requested : 'normal';
}
