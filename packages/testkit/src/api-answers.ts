/**
 * Answers of the Anthropic Messages, OpenAI Responses and embeddings APIs for tests, written from the APIs'
 * documented shapes (not from the cache's own renderers), as JSON documents and as the SSE events they stream.
 */

type Json = Record<string, unknown>;

const sse = (type: string, data: Json): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

function piecesOf(text: string, pieces: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, pieces)));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export interface MessagesAnswerOptions {
  text: string;
  id?: string;
  model?: string;
  stopReason?: string;
  usage?: { input_tokens: number; output_tokens: number; cache_creation_input_tokens?: number; cache_read_input_tokens?: number };
  /** A tool_use block after the text, as a model calling a tool answers (stop reason `tool_use`). */
  toolUse?: boolean;
}

const MESSAGES_USAGE = { input_tokens: 12, output_tokens: 9 };

/** A non-stream Messages answer. */
export function messagesAnswer(o: MessagesAnswerOptions): Json {
  const content: Json[] = [{ type: 'text', text: o.text }];
  if (o.toolUse) content.push({ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } });
  return {
    id: o.id ?? 'msg_01test', type: 'message', role: 'assistant', model: o.model ?? 'claude-test', content,
    stop_reason: o.stopReason ?? (o.toolUse ? 'tool_use' : 'end_turn'), stop_sequence: null, usage: o.usage ?? MESSAGES_USAGE,
  };
}

/** The events Anthropic streams for the same answer: message_start, ping, block start/deltas/stop, message_delta, message_stop. */
export function messagesStream(o: MessagesAnswerOptions & { pieces?: number; stop?: boolean }): string[] {
  const doc = messagesAnswer(o);
  const usage = doc.usage as Json;
  const events = [
    sse('message_start', { message: { ...doc, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } }),
    sse('ping', {}),
    sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ...piecesOf(o.text, o.pieces ?? 5).map((text) => sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })),
    sse('content_block_stop', { index: 0 }),
  ];
  if (o.toolUse) {
    events.push(
      sse('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} } }),
      sse('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"city": "Paris"}' } }),
      sse('content_block_stop', { index: 1 }),
    );
  }
  events.push(sse('message_delta', { delta: { stop_reason: doc.stop_reason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }));
  if (o.stop ?? true) events.push(sse('message_stop', {}));
  return events;
}

export interface ResponsesAnswerOptions {
  text: string;
  id?: string;
  model?: string;
  instructions?: string | null;
  previousResponseId?: string | null;
  metadata?: Json;
  user?: string | null;
  usage?: { input_tokens: number; output_tokens: number; total_tokens: number };
  /** A function_call item after the message, as a model calling a tool answers. */
  functionCall?: boolean;
}

/** A completed non-stream Responses answer, with the request fields the API echoes. */
export function responsesAnswer(o: ResponsesAnswerOptions): Json {
  const id = o.id ?? 'resp_test';
  const output: Json[] = [{
    type: 'message', id: `msg_${id}`, status: 'completed', role: 'assistant',
    content: [{ type: 'output_text', text: o.text, annotations: [], logprobs: [] }],
  }];
  if (o.functionCall) output.push({ type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' });
  const usage = o.usage ?? { input_tokens: 11, output_tokens: 8, total_tokens: 19 };
  return {
    id, object: 'response', created_at: 1_700_000_500, status: 'completed', background: false, error: null, incomplete_details: null,
    instructions: o.instructions ?? null, max_output_tokens: null, model: o.model ?? 'gpt-test', output, parallel_tool_calls: true,
    previous_response_id: o.previousResponseId ?? null, reasoning: { effort: null, summary: null }, store: true, temperature: 1,
    text: { format: { type: 'text' } }, tool_choice: 'auto', tools: [], top_p: 1, truncation: 'disabled',
    usage: { input_tokens: usage.input_tokens, input_tokens_details: { cached_tokens: 0 }, output_tokens: usage.output_tokens,
      output_tokens_details: { reasoning_tokens: 0 }, total_tokens: usage.total_tokens },
    user: o.user ?? null, metadata: o.metadata ?? {},
  };
}

/** The events OpenAI streams for the same answer, ending in `response.completed` (or `response.failed`). */
export function responsesStream(o: ResponsesAnswerOptions & { pieces?: number; end?: 'completed' | 'failed' | 'none' }): string[] {
  const doc = responsesAnswer(o);
  const message = (doc.output as Json[])[0]!;
  const part = (message.content as Json[])[0]!;
  let seq = 0;
  const ev = (type: string, data: Json): string => sse(type, { sequence_number: seq++, ...data });
  const pending = { ...doc, status: 'in_progress', output: [], usage: null };
  const at = { item_id: message.id, output_index: 0, content_index: 0 };
  const events = [
    ev('response.created', { response: pending }),
    ev('response.in_progress', { response: pending }),
    ev('response.output_item.added', { output_index: 0, item: { ...message, status: 'in_progress', content: [] } }),
    ev('response.content_part.added', { ...at, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } }),
    ...piecesOf(o.text, o.pieces ?? 5).map((delta) => ev('response.output_text.delta', { ...at, delta, logprobs: [] })),
    ev('response.output_text.done', { ...at, text: o.text, logprobs: [] }),
    ev('response.content_part.done', { ...at, part }),
    ev('response.output_item.done', { output_index: 0, item: message }),
  ];
  const end = o.end ?? 'completed';
  if (end === 'completed') events.push(ev('response.completed', { response: doc }));
  if (end === 'failed') events.push(ev('response.failed', { response: { ...doc, status: 'failed', error: { code: 'server_error', message: 'boom' } } }));
  return events;
}

/** A deterministic embeddings answer: one vector per input, from the input's characters, as floats or base64. */
export function embeddingsAnswer(body: unknown, n: number): Json {
  const b = (body ?? {}) as { model?: string; input?: unknown; encoding_format?: string; dimensions?: number };
  const inputs = typeof b.input === 'string' ? [b.input]
    : Array.isArray(b.input) && b.input.every((i) => typeof i === 'string') ? b.input as string[] : [JSON.stringify(b.input)];
  const dims = b.dimensions ?? 8;
  const data = inputs.map((text, index) => {
    const v = Float32Array.from({ length: dims }, (_, i) => Math.sin((text.charCodeAt(i % Math.max(1, text.length)) || 1) * (i + 1) + n) / 3);
    const embedding = b.encoding_format === 'base64' ? Buffer.from(v.buffer).toString('base64') : Array.from(v);
    return { object: 'embedding', index, embedding };
  });
  const tokens = inputs.reduce((s, t) => s + Math.ceil(t.length / 4), 0);
  return { object: 'list', data, model: b.model ?? 'text-embedding-test', usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
