import type { NamespaceSettings, PairLabel } from '@semcache/shared';
import type { CacheEntry } from './entry.ts';
import type { RemovalReason } from './namespace.ts';

/**
 * Every change to the cache's contents, in order. Persistence (snapshot + log) and replication (Redis) follow
 * this stream; a change that arrives from elsewhere is applied with `CacheEngine.apply` and not re-emitted.
 */
export type CacheChange =
  | { type: 'add'; entry: CacheEntry }
  | { type: 'remove'; namespace: string; key: bigint; reason: RemovalReason }
  | { type: 'flush'; namespace: string }
  | { type: 'settings'; namespace: string; settings: NamespaceSettings }
  /** The namespace's epoch rose to `epoch`: entries of earlier ones are never served. Applied as a maximum. */
  | { type: 'epoch'; namespace: string; epoch: number }
  /** Operators' verdicts on lookup pairs: not cache contents, but they steer the threshold and must not be lost. */
  | { type: 'label'; label: PairLabel }
  | { type: 'unlabel'; namespace: string; lookupId: string };

export type ChangeListener = (change: CacheChange) => void;
