import type { Usage } from '@semcache/shared';

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Stops after which the text is the whole answer; `tool_use`, `pause_turn` and `refusal` answers wait on something else. */
const FINISHED = new Set(['end_turn', 'max_tokens', 'stop_sequence']);

/** Content blocks that replay as they were: text (without citations, which stream as deltas of their own) and thinking. */
export function replayableBlock(block: unknown): boolean {
  if (!isObject(block)) return false;
  if (block.type === 'text') {
    return typeof block.text === 'string' && (block.citations == null || (Array.isArray(block.citations) && block.citations.length === 0));
  }
  if (block.type === 'thinking') return typeof block.thinking === 'string' && typeof block.signature === 'string';
  return block.type === 'redacted_thinking' && typeof block.data === 'string';
}

/** A finished Anthropic message that may be stored and replayed. */
export function storableMessage(doc: unknown): boolean {
  if (!isObject(doc) || doc.type !== 'message' || doc.role !== 'assistant' || typeof doc.id !== 'string') return false;
  if (typeof doc.stop_reason !== 'string' || !FINISHED.has(doc.stop_reason)) return false;
  const { content } = doc;
  return Array.isArray(content) && content.every(replayableBlock) && content.some((b) => (b as Json).type === 'text');
}

/** Anthropic counts the prompt in three parts: uncached input, input written to its prompt cache, input read from it. */
export function messagesUsage(usage: unknown): Usage | null {
  if (!isObject(usage)) return null;
  // The two prompt-cache counters are absent where prompt caching is not used.
  const n = (v: unknown): number | null => {
    if (v === undefined || v === null) return 0;
    return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null;
  };
  if (typeof usage.input_tokens !== 'number' || typeof usage.output_tokens !== 'number') return null;
  const parts = [usage.input_tokens, usage.cache_creation_input_tokens, usage.cache_read_input_tokens].map(n);
  const output = n(usage.output_tokens);
  if (output === null || parts.some((p) => p === null)) return null;
  const prompt = (parts as number[]).reduce((a, b) => a + b, 0);
  return { promptTokens: prompt, completionTokens: output, totalTokens: prompt + output };
}

