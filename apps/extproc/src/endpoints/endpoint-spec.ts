import type { EndpointKind } from '@semcache/shared';

/** A cacheable request, as the cache engine needs it. */
export interface CacheableRequest {
  model: string;
  /** The text that is embedded and compared. */
  prompt: string;
  /** Everything else that changes the answer, in a form that is hashed into the fingerprint. */
  context: unknown;
  stream: boolean;
  /** Only an exact repeat may be answered (embeddings: a near one would return other vectors). */
  exactOnly?: true;
}

export type ParseResult = { ok: true; request: CacheableRequest } | { ok: false; reason: string };

/** What differs between endpoints (OpenAI's, Anthropic's): data, not copies of the request flow. */
export interface EndpointSpec {
  readonly kind: EndpointKind;
  /** The path after the configured prefix, e.g. `/v1/chat/completions`. */
  readonly path: string;
  /** Request headers (lower-case) that change the answer, as an API version does: their values join the fingerprint. */
  readonly contextHeaders?: readonly string[];
  parse(body: Record<string, unknown>): ParseResult;
}

/**
 * Fields that never change the answer: the stream flag only changes its framing, `user` identifies the end
 * user for abuse reports. Everything else goes into the fingerprint, so an unknown new parameter can only
 * cause a miss, never a wrong hit.
 */
const NOT_CONTEXT = new Set(['model', 'stream', 'stream_options', 'user']);

export function contextFields(body: Record<string, unknown>, alsoExclude: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (!NOT_CONTEXT.has(k) && !alsoExclude.includes(k)) out[k] = k === 'stop' || k === 'stop_sequences' ? stopSet(v) : v;
  }
  return out;
}

/**
 * Generation ends at whichever stop sequence comes first, so their order never changes the answer. Object keys
 * are already order-free in the fingerprint; every other array (messages, tools, content parts) keeps its order,
 * which the model sees.
 */
function stopSet(stop: unknown): unknown {
  return Array.isArray(stop) && stop.every((s) => typeof s === 'string') ? [...new Set(stop)].sort() : stop;
}

/** A request is uncacheable when it asks for several answers: one cached answer cannot stand for them. */
export function multipleChoices(body: Record<string, unknown>): boolean {
  return (typeof body.n === 'number' && body.n > 1) || (typeof body.best_of === 'number' && body.best_of > 1);
}
