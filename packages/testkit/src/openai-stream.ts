/** OpenAI-style SSE answers for tests: the events an OpenAI server streams, and ways to cut them into chunks. */

export interface StreamedAnswerOptions {
  endpoint: 'chat' | 'completions';
  text: string;
  model?: string;
  id?: string;
  /** The text is sent in this many deltas. */
  pieces?: number;
  finishReason?: string | null;
  /** A last chunk with these figures and empty choices, as `stream_options.include_usage` asks. */
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  /** End with `data: [DONE]` (default true). */
  done?: boolean;
  lineEnd?: '\n' | '\r\n';
}

/** The SSE events (each `data: ...` plus its blank line) of one streamed answer. */
export function streamedAnswer(o: StreamedAnswerOptions): string[] {
  const nl = o.lineEnd ?? '\n';
  const head = {
    id: o.id ?? (o.endpoint === 'chat' ? 'chatcmpl-stream' : 'cmpl-stream'),
    object: o.endpoint === 'chat' ? 'chat.completion.chunk' : 'text_completion',
    created: 1_700_000_123,
    model: o.model ?? 'gpt-test',
  };
  const pieces = Math.max(1, o.pieces ?? 8);
  const size = Math.ceil(o.text.length / pieces);
  const deltas: string[] = [];
  for (let i = 0; i < o.text.length; i += size) deltas.push(o.text.slice(i, i + size));
  const choice = (piece: string | null, finish: string | null) => o.endpoint === 'chat'
    ? { index: 0, delta: piece === null ? {} : { content: piece }, logprobs: null, finish_reason: finish }
    : { index: 0, text: piece ?? '', logprobs: null, finish_reason: finish };
  const chunks: unknown[] = [];
  if (o.endpoint === 'chat') chunks.push({ ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] });
  for (const d of deltas) chunks.push({ ...head, choices: [choice(d, null)] });
  if (o.finishReason !== null) chunks.push({ ...head, choices: [choice(null, o.finishReason ?? 'stop')] });
  if (o.usage) chunks.push({ ...head, choices: [], usage: o.usage });
  const events = chunks.map((c) => `data: ${JSON.stringify(c)}${nl}${nl}`);
  if (o.done ?? true) events.push(`data: [DONE]${nl}${nl}`);
  return events;
}

/** Re-cuts a stream into chunks of the given sizes (cycled), so that events and lines split across chunks. */
export function cutInto(stream: string, sizes: number[]): Buffer[] {
  const all = Buffer.from(stream, 'utf8');
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < all.length; i++) {
    const size = sizes[i % sizes.length]!;
    out.push(all.subarray(at, at + size));
    at += size;
  }
  return out;
}
