import { contextFields, multipleChoices, type EndpointSpec, type ParseResult } from './endpoint-spec.ts';
import { textOf } from './text-content.ts';

export const chat: EndpointSpec = {
  kind: 'chat',
  path: '/v1/chat/completions',
  parse(body): ParseResult {
    if (typeof body.model !== 'string' || body.model === '') return { ok: false, reason: 'no-model' };
    if (multipleChoices(body)) return { ok: false, reason: 'multiple-choices' };
    const { messages } = body;
    if (!Array.isArray(messages) || messages.length === 0) return { ok: false, reason: 'no-messages' };
    const last = messages[messages.length - 1] as { role?: unknown; content?: unknown } | null;
    // After a tool result or an assistant prefill the answer depends on more than a question.
    if (!last || typeof last !== 'object' || last.role !== 'user') return { ok: false, reason: 'last-message-not-user' };
    const text = textOf(last.content, 'text');
    if (text === null) return { ok: false, reason: 'content-not-text' };
    if (text.trim() === '') return { ok: false, reason: 'empty-prompt' };
    // The system prompt, earlier turns, tools and sampling parameters must match exactly.
    const context = { ...contextFields(body, ['messages']), history: messages.slice(0, -1), lastName: (last as { name?: unknown }).name ?? null };
    return { ok: true, request: { model: body.model, prompt: text, context, stream: body.stream === true } };
  },
};
