import type { StoredAnswer } from '../cache/cache-engine.ts';

/** Longer is not a revision name any upstream sends: not kept, so an entry's metadata stays small. */
const MAX_CHARS = 256;

/**
 * Which revision of the model wrote an answer, as the upstream says: OpenAI answers `model` with the dated
 * revision (`gpt-4o-2024-08-06` for a request of `gpt-4o`) and `system_fingerprint` with its backend
 * configuration; vLLM and others echo the served model name. null when absent or not a short string.
 */
export function revisionField(v: unknown): string | null {
  return typeof v === 'string' && v !== '' && v.length <= MAX_CHARS ? v : null;
}

/**
 * The revision fields of an answer document, whichever way it arrived: a JSON body, or the document assembled
 * from its SSE events (Anthropic's `message_start` and the Responses API's `response.completed` carry `model`).
 */
export function revisionOf(doc: unknown): Pick<StoredAnswer, 'modelRevision' | 'systemFingerprint'> {
  const { model, system_fingerprint: systemFingerprint } = (typeof doc === 'object' && doc !== null ? doc : {}) as { model?: unknown; system_fingerprint?: unknown };
  return { modelRevision: revisionField(model), systemFingerprint: revisionField(systemFingerprint) };
}
