import type { EndpointKind } from '@semcache/shared';

export interface ToolCall {
  id: string;
  type: string;
  name: string;
  arguments: string;
}

export interface CanonicalChoice {
  index: number;
  /** The chat message's role; null for a text completion. */
  role: string | null;
  /** The chat message's content or the completion's text; null when a chat answer is tool calls only. */
  content: string | null;
  /** Other text fields of a chat message that stream as deltas (refusal, reasoning_content, ...). */
  extras: Record<string, string>;
  toolCalls: ToolCall[];
  finishReason: string | null;
}

/**
 * One answer, whichever way it arrived (JSON or SSE), with what is needed to serve it either way.
 * `usage` is the upstream's object as sent, so details such as `prompt_tokens_details` survive a replay.
 */
export interface CanonicalAnswer {
  endpoint: EndpointKind;
  id: string;
  created: number;
  model: string;
  systemFingerprint: string | null;
  choices: CanonicalChoice[];
  usage: Record<string, unknown> | null;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const MESSAGE_FIELDS = new Set(['role', 'content', 'tool_calls']);

function readToolCalls(raw: unknown): ToolCall[] | null {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return null;
  const out: ToolCall[] = [];
  for (const call of raw) {
    if (!isObject(call) || !isObject(call.function)) return null;
    out.push({ id: str(call.id), type: str(call.type, 'function'), name: str(call.function.name), arguments: str(call.function.arguments) });
  }
  return out;
}

function readChoice(raw: unknown, endpoint: EndpointKind, position: number): CanonicalChoice | null {
  if (!isObject(raw)) return null;
  const index = typeof raw.index === 'number' ? raw.index : position;
  const finishReason = typeof raw.finish_reason === 'string' ? raw.finish_reason : null;
  if (endpoint === 'completions') {
    if (typeof raw.text !== 'string') return null;
    return { index, role: null, content: raw.text, extras: {}, toolCalls: [], finishReason };
  }
  const message = raw.message;
  if (!isObject(message)) return null;
  if (message.content !== null && message.content !== undefined && typeof message.content !== 'string') return null;
  // The legacy function_call cannot be replayed from the canonical form.
  if (message.function_call !== undefined && message.function_call !== null) return null;
  const toolCalls = readToolCalls(message.tool_calls);
  if (!toolCalls) return null;
  const extras: Record<string, string> = {};
  for (const [k, v] of Object.entries(message)) if (!MESSAGE_FIELDS.has(k) && typeof v === 'string') extras[k] = v;
  return { index, role: str(message.role, 'assistant'), content: (message.content as string | null | undefined) ?? null, extras, toolCalls, finishReason };
}

/** Reads an OpenAI non-stream completion document; null when it is an error or not a complete answer. */
export function fromCompletion(doc: unknown, endpoint: EndpointKind): CanonicalAnswer | null {
  if (!isObject(doc)) return null;
  if (doc.error !== undefined && doc.error !== null) return null;
  if (!Array.isArray(doc.choices) || doc.choices.length === 0) return null;
  const choices: CanonicalChoice[] = [];
  for (const [i, raw] of doc.choices.entries()) {
    const choice = readChoice(raw, endpoint, i);
    if (!choice) return null;
    choices.push(choice);
  }
  return {
    endpoint,
    id: str(doc.id),
    created: typeof doc.created === 'number' ? doc.created : 0,
    model: str(doc.model),
    systemFingerprint: typeof doc.system_fingerprint === 'string' ? doc.system_fingerprint : null,
    choices,
    usage: isObject(doc.usage) ? doc.usage : null,
  };
}

function toolCallJson(call: ToolCall): Json {
  return { id: call.id, type: call.type, function: { name: call.name, arguments: call.arguments } };
}

/** The fields every OpenAI completion document and stream chunk starts with. */
export function documentHead(answer: CanonicalAnswer, object: string): Json {
  const head: Json = { id: answer.id, object, created: answer.created, model: answer.model };
  if (answer.systemFingerprint !== null) head.system_fingerprint = answer.systemFingerprint;
  return head;
}

/** The answer as an OpenAI non-stream completion: the form an entry stores and a `stream: false` hit serves. */
export function toCompletion(answer: CanonicalAnswer): Json {
  const doc = documentHead(answer, answer.endpoint === 'chat' ? 'chat.completion' : 'text_completion');
  doc.choices = answer.choices.map((c) => {
    if (answer.endpoint === 'completions') return { index: c.index, text: c.content ?? '', logprobs: null, finish_reason: c.finishReason };
    const message: Json = { role: c.role ?? 'assistant', content: c.content, ...c.extras };
    if (c.toolCalls.length > 0) message.tool_calls = c.toolCalls.map(toolCallJson);
    return { index: c.index, message, logprobs: null, finish_reason: c.finishReason };
  });
  if (answer.usage) doc.usage = answer.usage;
  return doc;
}
