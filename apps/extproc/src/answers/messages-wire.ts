import { isObject, messagesUsage, storableMessage, type Json } from './messages-answer.ts';
import { MessagesStreamAssembler } from './messages-stream.ts';
import type { WireFormat } from './wire-format.ts';

const event = (type: string, data: Json): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

function blockEvents(block: Json, index: number): string[] {
  const delta = (d: Json): string => event('content_block_delta', { index, delta: d });
  const out: string[] = [];
  if (block.type === 'text') {
    out.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    if (block.text !== '') out.push(delta({ type: 'text_delta', text: block.text }));
  } else if (block.type === 'thinking') {
    out.push(event('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
    if (block.thinking !== '') out.push(delta({ type: 'thinking_delta', thinking: block.thinking }));
    out.push(delta({ type: 'signature_delta', signature: block.signature }));
  } else {
    out.push(event('content_block_start', { index, content_block: block }));
  }
  out.push(event('content_block_stop', { index }));
  return out;
}

/**
 * The SSE body Anthropic streams for this message: `message_start` (the message with no content yet),
 * a start, deltas and a stop per content block, `message_delta` with the stop reason and usage, `message_stop`.
 */
function renderSse(doc: Json): string | null {
  if (!storableMessage(doc)) return null;
  const usage = isObject(doc.usage) ? doc.usage : {};
  const { content, stop_reason: stopReason, stop_sequence: stopSequence, ...rest } = doc;
  const events = [
    event('message_start', { message: { ...rest, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 0 } } }),
    event('ping', {}),
    ...(content as Json[]).flatMap(blockEvents),
    event('message_delta', { delta: { stop_reason: stopReason, stop_sequence: stopSequence ?? null }, usage }),
    event('message_stop', {}),
  ];
  return events.join('');
}

/** Anthropic Messages (`/v1/messages`): a `message` document with content blocks; named SSE events ending in `message_stop`. */
export const messagesWire: WireFormat = {
  replayOptions: (body) => ({ stream: body.stream === true, includeUsage: false }),
  storable: storableMessage,
  usage: (doc) => messagesUsage(isObject(doc) ? doc.usage : undefined),
  assembler: (maxBytes) => new MessagesStreamAssembler(maxBytes),
  renderSse,
};
