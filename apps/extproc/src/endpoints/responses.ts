import { contextFields, type EndpointSpec, type ParseResult } from './endpoint-spec.ts';
import { textOf } from './text-content.ts';

/** Fields that never change what the model says (they are echoed back instead: see the Responses wire format). */
const NOT_CONTEXT = ['input', 'metadata', 'safety_identifier', 'prompt_cache_key'];

/** The question of an `input`: a string, or its last item when that is a user message of text. */
function lastQuestion(input: unknown): { text: string | null; history: unknown[] } | null {
  if (typeof input === 'string') return { text: input, history: [] };
  if (!Array.isArray(input) || input.length === 0) return null;
  const last = input[input.length - 1] as { type?: unknown; role?: unknown; content?: unknown } | null;
  if (!last || typeof last !== 'object' || last.role !== 'user' || (last.type !== undefined && last.type !== 'message')) return null;
  return { text: textOf(last.content, 'input_text'), history: input.slice(0, -1) };
}

/**
 * OpenAI Responses. The prompt is `input` (a string, or the text of its last user message); `instructions`,
 * earlier items, `previous_response_id` (the conversation held by the provider), tools and sampling go into
 * the fingerprint, `store` too. A request that adds to a provider-side `conversation` or runs in the background
 * passes through: a hit would leave the conversation without its turn, or answer a poll with a finished
 * response.
 */
export const responses: EndpointSpec = {
  kind: 'responses',
  path: '/v1/responses',
  parse(body): ParseResult {
    if (typeof body.model !== 'string' || body.model === '') return { ok: false, reason: 'no-model' };
    if (body.conversation !== undefined && body.conversation !== null) return { ok: false, reason: 'conversation' };
    if (body.background === true) return { ok: false, reason: 'background' };
    const question = lastQuestion(body.input);
    if (!question) return { ok: false, reason: 'last-message-not-user' };
    if (question.text === null) return { ok: false, reason: 'content-not-text' };
    if (question.text.trim() === '') return { ok: false, reason: 'empty-prompt' };
    const context = { ...contextFields(body, NOT_CONTEXT), history: question.history };
    return { ok: true, request: { model: body.model, prompt: question.text, context, stream: body.stream === true } };
  },
};
