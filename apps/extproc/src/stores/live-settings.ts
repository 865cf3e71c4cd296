import type { CacheEngine } from '../cache/cache-engine.ts';
import type { Namespace } from '../cache/namespace.ts';

/**
 * Whether a namespace's settings differ from what the configuration gives it, i.e. were changed live.
 * Only those are stored: the others follow the configuration, which may have changed since.
 */
export function settingsChangedLive(engine: CacheEngine, ns: Namespace): boolean {
  const configured = engine.namespaces.settingsFor(ns.partition.model);
  return (Object.keys(configured) as (keyof typeof configured)[]).some((k) => configured[k] !== ns.settings[k]);
}
