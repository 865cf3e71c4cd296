import type { LookupEvent, LookupOutcome } from '@semcache/shared';

const MINUTE = 60_000;

/** Bypassed lookups were never asked of the cache: they count as neither hit nor miss. */
export function outcomeGroup(outcome: LookupOutcome): 'hit' | 'miss' | null {
  if (outcome === 'exact' || outcome === 'semantic') return 'hit';
  if (outcome === 'bypass') return null;
  return 'miss';
}

export interface MinuteSeries {
  /** Start of each minute, in seconds (uPlot's time unit), oldest first. */
  t: number[];
  hits: number[];
  misses: number[];
}

/** Hits and misses per whole minute over the last `minutes` minutes, the current minute last. */
export function perMinute(events: readonly LookupEvent[], now: number, minutes: number): MinuteSeries {
  const last = Math.floor(now / MINUTE) * MINUTE;
  const first = last - (minutes - 1) * MINUTE;
  const hits = new Array<number>(minutes).fill(0);
  const misses = new Array<number>(minutes).fill(0);
  for (const e of events) {
    const i = Math.floor((e.time - first) / MINUTE);
    if (i < 0 || i >= minutes) continue;
    const group = outcomeGroup(e.outcome);
    if (group === 'hit') hits[i]!++;
    else if (group === 'miss') misses[i]!++;
  }
  return { t: hits.map((_, i) => (first + i * MINUTE) / 1000), hits, misses };
}

/** Lookups per namespace in the last 60 seconds. */
export function lookupsLastMinute(events: readonly LookupEvent[], now: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events) {
    if (e.time > now - MINUTE && e.time <= now) out.set(e.namespace, (out.get(e.namespace) ?? 0) + 1);
  }
  return out;
}

/**
 * Adds a live event to a newest-first window, dropping what is older than `keepMs` or beyond `cap`, and
 * ignoring an event already present (the initial load and the stream may overlap).
 */
export function addLive(events: readonly LookupEvent[], event: LookupEvent, now: number, keepMs: number, cap: number): LookupEvent[] {
  if (events.some((e) => e.id === event.id)) return events as LookupEvent[];
  const out = [event, ...events].filter((e) => e.time > now - keepMs);
  out.sort((a, b) => b.time - a.time);
  return out.length > cap ? out.slice(0, cap) : out;
}
