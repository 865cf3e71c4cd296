import type { EntryOnline, NamespaceInfo } from '@semcache/shared';
import { candidateThreshold, type CacheEngine } from '../cache/cache-engine.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { Namespace } from '../cache/namespace.ts';
import { onlineOn } from './online-policy.ts';

/** A namespace as the admin API shows it, with its online verification figures. */
export function namespaceView(engine: CacheEngine, ns: Namespace): NamespaceInfo {
  return { ...ns.info(), online: engine.online.stats(ns.name) };
}

/** An entry's observations and learned boundary, where online verification is on or has looked at it. */
export function entryOnline(engine: CacheEngine, ns: Namespace, entry: CacheEntry): EntryOnline | undefined {
  if (!onlineOn(ns.settings) && !entry.observations) return undefined;
  const observations = entry.observations ?? [];
  const threshold = candidateThreshold(ns.settings, engine.verifierOf(ns) !== null);
  const b = engine.online.boundary(ns.name, observations, ns.settings, threshold);
  return { observations: [...observations], boundary: b.mean, servesFrom: Math.max(b.servesFrom, b.wrongUpTo) };
}
