import { contextFields, type EndpointSpec, type ParseResult } from './endpoint-spec.ts';
import { textOf } from './text-content.ts';

/**
 * Anthropic Messages. As in chat, the last user turn is the prompt that is embedded; `system` (a field here, not
 * a message), the earlier turns, tools, `max_tokens`, sampling and `stop_sequences` (a set) go into the
 * fingerprint, with the `anthropic-version` and `anthropic-beta` headers. `metadata.user_id` only names the end
 * user, so it stays out.
 */
export const messages: EndpointSpec = {
  kind: 'messages',
  path: '/v1/messages',
  // The version fixes the shape of the answer, and a beta can add blocks or fields to it.
  contextHeaders: ['anthropic-version', 'anthropic-beta'],
  parse(body): ParseResult {
    if (typeof body.model !== 'string' || body.model === '') return { ok: false, reason: 'no-model' };
    const turns = body.messages;
    if (!Array.isArray(turns) || turns.length === 0) return { ok: false, reason: 'no-messages' };
    const last = turns[turns.length - 1] as { role?: unknown; content?: unknown } | null;
    // A tool result is a user turn too, but of blocks that are not text: textOf refuses it.
    if (!last || typeof last !== 'object' || last.role !== 'user') return { ok: false, reason: 'last-message-not-user' };
    const text = textOf(last.content, 'text');
    if (text === null) return { ok: false, reason: 'content-not-text' };
    if (text.trim() === '') return { ok: false, reason: 'empty-prompt' };
    const context = { ...contextFields(body, ['messages', 'metadata']), history: turns.slice(0, -1) };
    return { ok: true, request: { model: body.model, prompt: text, context, stream: body.stream === true } };
  },
};
