import type { Usage } from '@semcache/shared';

/** The figures of an OpenAI `usage` object; null when it is missing or malformed (never a guess). */
export function readUsage(usage: unknown): Usage | null {
  if (!usage || typeof usage !== 'object' || Array.isArray(usage)) return null;
  const u = usage as Record<string, unknown>;
  const n = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null);
  const prompt = n(u.prompt_tokens);
  const completion = u.completion_tokens === undefined ? 0 : n(u.completion_tokens);
  const total = u.total_tokens === undefined && prompt !== null && completion !== null ? prompt + completion : n(u.total_tokens);
  if (prompt === null || completion === null || total === null) return null;
  return { promptTokens: prompt, completionTokens: completion, totalTokens: total };
}
