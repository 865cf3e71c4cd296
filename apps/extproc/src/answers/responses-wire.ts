import { isObject, responsesUsage, storableResponse, type Json } from './responses-answer.ts';
import { ResponsesStreamAssembler } from './responses-stream.ts';
import type { WireFormat } from './wire-format.ts';

/** Request fields a `response` repeats that never change what the model says: each hit carries its own request's. */
const ECHOED = ['metadata', 'user', 'safety_identifier', 'prompt_cache_key'] as const;

/**
 * The events the Responses API streams for a completed response: created and in_progress (no output yet),
 * per output item its added and done events, a message's text as one delta per content part, then
 * `response.completed` with the whole response. Every event has its `sequence_number`.
 */
function renderSse(doc: Json): string | null {
  if (!storableResponse(doc)) return null;
  let seq = 0;
  const lines: string[] = [];
  const emit = (type: string, data: Json): void => {
    lines.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`);
  };
  const pending = { ...doc, status: 'in_progress', output: [], usage: null };
  emit('response.created', { response: pending });
  emit('response.in_progress', { response: pending });
  (doc.output as Json[]).forEach((item, outputIndex) => {
    if (item.type !== 'message') {
      emit('response.output_item.added', { output_index: outputIndex, item });
      emit('response.output_item.done', { output_index: outputIndex, item });
      return;
    }
    const ids = { item_id: item.id, output_index: outputIndex };
    emit('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } });
    (item.content as Json[]).forEach((part, contentIndex) => {
      const at = { ...ids, content_index: contentIndex };
      emit('response.content_part.added', { ...at, part: { ...part, text: '', annotations: [] } });
      emit('response.output_text.delta', { ...at, delta: part.text, logprobs: [] });
      emit('response.output_text.done', { ...at, text: part.text, logprobs: [] });
      emit('response.content_part.done', { ...at, part });
    });
    emit('response.output_item.done', { output_index: outputIndex, item });
  });
  emit('response.completed', { response: doc });
  return lines.join('');
}

/** OpenAI Responses (`/v1/responses`): a `response` document with output items; SSE ending in `response.completed`. */
export const responsesWire: WireFormat = {
  replayOptions(body) {
    const echo: Json = {};
    for (const k of ECHOED) echo[k] = body[k] ?? (k === 'metadata' ? {} : null);
    return { stream: body.stream === true, includeUsage: false, echo };
  },
  storable: storableResponse,
  usage: (doc) => responsesUsage(isObject(doc) ? doc.usage : undefined),
  assembler: (maxBytes) => new ResponsesStreamAssembler(maxBytes),
  renderSse,
};
