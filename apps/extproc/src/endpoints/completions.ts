import { contextFields, multipleChoices, type EndpointSpec, type ParseResult } from './endpoint-spec.ts';

export const completions: EndpointSpec = {
  kind: 'completions',
  path: '/v1/completions',
  parse(body): ParseResult {
    if (typeof body.model !== 'string' || body.model === '') return { ok: false, reason: 'no-model' };
    if (multipleChoices(body)) return { ok: false, reason: 'multiple-choices' };
    const { prompt } = body;
    let text: string;
    if (typeof prompt === 'string') text = prompt;
    else if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === 'string') text = prompt[0];
    else return { ok: false, reason: 'prompt-not-text' };
    if (text.trim() === '') return { ok: false, reason: 'empty-prompt' };
    return {
      ok: true,
      request: { model: body.model, prompt: text, context: contextFields(body, ['prompt']), stream: body.stream === true },
    };
  },
};
