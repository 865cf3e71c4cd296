import { contextFields, type EndpointSpec, type ParseResult } from './endpoint-spec.ts';

const isTokens = (v: unknown): boolean => Array.isArray(v) && v.length > 0 && v.every((t) => Number.isInteger(t));

/** What OpenAI accepts as `input`: a string, strings, a token array, or token arrays. */
function validInput(input: unknown): boolean {
  if (typeof input === 'string') return true;
  if (!Array.isArray(input) || input.length === 0) return false;
  return input.every((i) => typeof i === 'string') || isTokens(input) || input.every(isTokens);
}

/**
 * OpenAI embeddings, exact tier only: the same model, `input` (exactly, white space and order included),
 * `encoding_format` and `dimensions` return the stored vectors; a near input never does, as its vectors differ.
 */
export const embeddings: EndpointSpec = {
  kind: 'embeddings',
  path: '/v1/embeddings',
  parse(body): ParseResult {
    if (typeof body.model !== 'string' || body.model === '') return { ok: false, reason: 'no-model' };
    const { input } = body;
    if (!validInput(input)) return { ok: false, reason: 'input-not-text' };
    if (typeof input === 'string' && input.trim() === '') return { ok: false, reason: 'empty-prompt' };
    // The prompt is what an operator reads in the dashboard; the fingerprint holds the input itself.
    const prompt = typeof input === 'string' ? input : JSON.stringify(input);
    return { ok: true, request: { model: body.model, prompt, context: contextFields(body, []), stream: false, exactOnly: true } };
  },
};
