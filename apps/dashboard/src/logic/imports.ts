import type { ImportProgress } from '@semcache/shared';

/** "2 of 3 lines read · 2 imported · 0 skipped (expired) · 1 failed", in the operator's words. */
export function importCounts(p: ImportProgress): string {
  // Bad lines or entries added meanwhile can take the count past what the header announced.
  const read = p.expected === null ? `${p.linesRead} lines read`
    : p.linesRead <= p.expected ? `${p.linesRead} of ${p.expected} lines read` : `${p.linesRead} lines read (${p.expected} announced)`;
  const recomputed = p.recomputed > 0 ? ` · ${p.recomputed} vectors recomputed` : '';
  return `${read} · ${p.imported} ${p.dryRun ? 'would be imported' : 'imported'} · ${p.skipped} skipped (expired) · ${p.failed} failed${recomputed}`;
}

/** The namespace an export's first line names, to offer as the target; null when it is not an export. */
export function exportNamespace(firstLine: string): string | null {
  try {
    const header = JSON.parse(firstLine) as unknown;
    if (header && typeof header === 'object' && 'format' in header && header.format === 'semcache-export'
      && 'namespace' in header && typeof header.namespace === 'string') return header.namespace;
  } catch {
    // Not JSON: the server says what is wrong with it once the operator imports it anyway.
  }
  return null;
}

/**
 * What the panel shows: every running import, and those this page saw running or started, once finished too;
 * newest first. Finished imports of other sessions before this page opened are not news.
 */
export function importsToShow(items: readonly ImportProgress[], known: ReadonlySet<string>, max = 3): ImportProgress[] {
  return items.filter((p) => p.state === 'running' || known.has(p.id)).slice(0, max);
}
