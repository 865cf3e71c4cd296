import type { Usage } from '@semcache/shared';

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const isOutputText = (part: unknown): boolean => isObject(part) && part.type === 'output_text' && typeof part.text === 'string';

/**
 * Output items a hit may serve: assistant messages of text, and the reasoning before them. Function calls wait
 * on the client's tools; hosted tools (web search, files, code) answer from a world that moves on.
 */
function replayableItem(item: unknown): boolean {
  if (!isObject(item) || typeof item.id !== 'string') return false;
  if (item.type === 'reasoning') return true;
  return item.type === 'message' && Array.isArray(item.content) && item.content.length > 0 && item.content.every(isOutputText);
}

/** A completed Responses API `response` that may be stored and replayed. */
export function storableResponse(doc: unknown): boolean {
  if (!isObject(doc) || doc.object !== 'response' || typeof doc.id !== 'string' || doc.status !== 'completed') return false;
  if (doc.error !== undefined && doc.error !== null) return false;
  const { output } = doc;
  return Array.isArray(output) && output.every(replayableItem) && output.some((i) => (i as Json).type === 'message');
}

export function responsesUsage(usage: unknown): Usage | null {
  if (!isObject(usage)) return null;
  const n = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null);
  const prompt = n(usage.input_tokens);
  const completion = n(usage.output_tokens);
  if (prompt === null || completion === null) return null;
  const total = usage.total_tokens === undefined ? prompt + completion : n(usage.total_tokens);
  return total === null ? null : { promptTokens: prompt, completionTokens: completion, totalTokens: total };
}
