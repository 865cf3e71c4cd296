import type { Usage } from '@semcache/shared';
import type { StoredAnswer } from '../cache/cache-engine.ts';

/** A complete OpenAI answer worth caching: JSON with choices and no error object; null otherwise. */
export function readStorableAnswer(body: Buffer, contentType: string): StoredAnswer | null {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (!doc || typeof doc !== 'object') return null;
  const { choices, error, usage } = doc as { choices?: unknown; error?: unknown; usage?: unknown };
  if (error !== undefined && error !== null) return null;
  if (!Array.isArray(choices) || choices.length === 0) return null;
  return { response: body.toString('utf8'), contentType: contentType || 'application/json', usage: readUsage(usage) };
}

export function readUsage(usage: unknown): Usage | null {
  if (!usage || typeof usage !== 'object') return null;
  const u = usage as Record<string, unknown>;
  const n = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);
  const prompt = n(u.prompt_tokens);
  const completion = n(u.completion_tokens) ?? 0;
  const total = n(u.total_tokens) ?? (prompt === null ? null : prompt + completion);
  if (prompt === null || total === null) return null;
  return { promptTokens: prompt, completionTokens: completion, totalTokens: total };
}
