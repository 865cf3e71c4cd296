import type { Metrics } from './evaluate.ts';

export const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** One row per threshold: the embedder alone, then with the false-hit guard. */
export function thresholdTable(
  plain: readonly Metrics[],
  guarded: readonly Metrics[],
  holdoutPlain: readonly number[] | null,
  holdoutGuarded: readonly number[] | null,
): string {
  const header = ['t', 'recall', 'precision', 'easy FH', 'hard FH',
    'recall (G)', 'precision (G)', 'easy FH (G)', 'hard FH (G)'];
  if (holdoutGuarded) header.push('held-out hard FH', 'held-out hard FH (G)');
  const rows = plain.map((p, i) => {
    const g = guarded[i]!;
    const row = [p.threshold.toFixed(2), pct(p.recall), pct(p.precision), pct(p.easyFalseHitRate), pct(p.hardFalseHitRate),
      pct(g.recall), pct(g.precision), pct(g.easyFalseHitRate), pct(g.hardFalseHitRate)];
    if (holdoutPlain && holdoutGuarded) row.push(pct(holdoutPlain[i]!), pct(holdoutGuarded[i]!));
    return row;
  });
  return markdownTable(header, rows);
}
