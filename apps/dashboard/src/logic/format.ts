/** Display formatting shared by the screens; plain functions so they are tested without a browser. */

export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  return `${(ratio * 100).toFixed(digits)}%`;
}

export function formatSimilarity(s: number | null | undefined): string {
  return s === null || s === undefined || !Number.isFinite(s) ? '–' : s.toFixed(3);
}

const UNITS: [number, string][] = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];

/** 1234 -> "1.2k"; small numbers stay exact. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  for (const [size, unit] of UNITS) {
    if (Math.abs(n) >= size) return `${trimZero((n / size).toFixed(1))}${unit}`;
  }
  return String(Math.round(n * 10) / 10);
}

/** Money at the configured prices: cents for sums above 1, more digits for the small sums of a few hits. */
export function formatCost(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (n >= 1000) return formatCount(n);
  if (n >= 1 || n === 0) return n.toFixed(2);
  return String(Number(n.toPrecision(2)));
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${trimZero((n / 1024).toFixed(1))} KiB`;
  if (n < 1024 ** 3) return `${trimZero((n / 1024 ** 2).toFixed(1))} MiB`;
  return `${trimZero((n / 1024 ** 3).toFixed(1))} GiB`;
}

/** "12s ago", "5m ago", "3h ago", "2d ago"; a time in the future reads "in 5m". */
export function formatAgo(time: number, now: number): string {
  const diff = now - time;
  const span = formatSpan(Math.abs(diff));
  return diff >= 0 ? `${span} ago` : `in ${span}`;
}

export function formatSpan(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

export function formatClock(time: number): string {
  const d = new Date(time);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The answer text of a cached OpenAI document (chat or completion); the raw document when it is not one. */
export function answerText(response: string): string {
  try {
    const doc = JSON.parse(response) as { choices?: { text?: unknown; message?: { content?: unknown } }[] };
    const texts = (doc.choices ?? []).map((c) => (typeof c.message?.content === 'string' ? c.message.content : c.text));
    if (texts.length > 0 && texts.every((t) => typeof t === 'string')) return texts.join('\n\n');
  } catch {
    // Not JSON: show what was stored.
  }
  return response;
}

const trimZero = (s: string): string => s.replace(/\.0$/, '');
