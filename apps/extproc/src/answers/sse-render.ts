import { documentHead, type CanonicalAnswer, type CanonicalChoice } from './canonical-answer.ts';

export interface SseOptions {
  /** `stream_options.include_usage`: every chunk carries `usage: null`, then one chunk carries the figures. */
  includeUsage: boolean;
}

type Json = Record<string, unknown>;

function chatChunks(c: CanonicalChoice): Json[] {
  const choice = (delta: Json, finishReason: string | null = null): Json => ({ index: c.index, delta, logprobs: null, finish_reason: finishReason });
  const out: Json[] = [choice({ role: c.role ?? 'assistant', content: '' })];
  if (c.content) out.push(choice({ content: c.content }));
  for (const [k, v] of Object.entries(c.extras)) out.push(choice({ [k]: v }));
  c.toolCalls.forEach((t, i) => {
    out.push(choice({ tool_calls: [{ index: i, id: t.id, type: t.type, function: { name: t.name, arguments: t.arguments } }] }));
  });
  out.push(choice({}, c.finishReason ?? 'stop'));
  return out;
}

function completionChunks(c: CanonicalChoice): Json[] {
  const out: Json[] = [];
  if (c.content) out.push({ index: c.index, text: c.content, logprobs: null, finish_reason: null });
  out.push({ index: c.index, text: '', logprobs: null, finish_reason: c.finishReason ?? 'stop' });
  return out;
}

/**
 * A cached answer as the SSE body OpenAI would have streamed: `chat.completion.chunk` (or `text_completion`)
 * events, one per delta, each choice ending with its finish_reason, and `data: [DONE]`.
 */
export function renderSse(answer: CanonicalAnswer, opts: SseOptions): string {
  const head = documentHead(answer, answer.endpoint === 'chat' ? 'chat.completion.chunk' : 'text_completion');
  const events: Json[] = [];
  for (const c of answer.choices) {
    for (const choice of answer.endpoint === 'chat' ? chatChunks(c) : completionChunks(c)) {
      events.push({ ...head, choices: [choice], ...(opts.includeUsage ? { usage: null } : {}) });
    }
  }
  if (opts.includeUsage && answer.usage) events.push({ ...head, choices: [], usage: answer.usage });
  return `${events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('')}data: [DONE]\n\n`;
}
