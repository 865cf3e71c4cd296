import type { EndpointKind } from '@semcache/shared';
import type { AnswerCapture, CaptureResult, UnstoredReason } from './answer-capture.ts';
import { toCompletion, type CanonicalAnswer, type CanonicalChoice } from './canonical-answer.ts';
import { revisionField } from './model-revision.ts';
import { SseParser, type SseEvent } from './sse-parser.ts';
import { readUsage } from './usage.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Delta fields merged by their own rules; every other string field is concatenated (refusal, reasoning_content, ...). */
const STRUCTURED_DELTA = new Set(['role', 'content', 'tool_calls']);

/**
 * Assembles an OpenAI SSE answer (`chat.completion.chunk` or streamed `text_completion`) into one canonical
 * answer. Storable only if the stream finished cleanly (`data: [DONE]`, or every choice has a finish_reason),
 * carried no error, and stayed within `maxBytes`; past the cap the text is dropped at once but events are
 * still read, so a final usage chunk is still seen.
 */
export class StreamAssembler implements AnswerCapture {
  readonly streamed = true;
  readonly #endpoint: EndpointKind;
  readonly #maxBytes: number;
  readonly #parser: SseParser;
  #bytes = 0;
  #choices: Map<number, CanonicalChoice> | null = new Map();
  #meta = { id: '', created: 0, model: '', systemFingerprint: null as string | null };
  #usage: unknown = null;
  #done = false;
  #failure: UnstoredReason | null = null;

  constructor(endpoint: EndpointKind, maxBytes: number) {
    this.#endpoint = endpoint;
    this.#maxBytes = maxBytes;
    this.#parser = new SseParser(maxBytes);
  }

  /** Characters of answer text held: bounded by the cap whatever the stream's length. */
  get heldChars(): number {
    let n = 0;
    for (const c of this.#choices?.values() ?? []) {
      n += (c.content?.length ?? 0) + c.toolCalls.reduce((s, t) => s + t.arguments.length + t.name.length, 0);
      for (const v of Object.values(c.extras)) n += v.length;
    }
    return n;
  }

  /** An error or a malformed stream ends the reading; being too large only ends the keeping of text. */
  get #stopped(): boolean {
    return this.#failure !== null && this.#failure !== 'too-large';
  }

  push(chunk: Uint8Array): void {
    if (this.#stopped) return;
    this.#bytes += chunk.length;
    if (this.#bytes > this.#maxBytes && this.#choices) {
      this.#choices = null;
      this.#failure = 'too-large';
    }
    for (const event of this.#parser.push(chunk)) this.#event(event);
  }

  finish(): CaptureResult {
    if (!this.#stopped) for (const event of this.#parser.end()) this.#event(event);
    const usage = readUsage(this.#usage);
    const reason = this.#unstorableReason();
    if (reason !== null || !this.#choices) return { answer: null, usage, reason };
    const answer: CanonicalAnswer = {
      endpoint: this.#endpoint,
      ...this.#meta,
      choices: [...this.#choices.values()].sort((a, b) => a.index - b.index),
      usage: isObject(this.#usage) ? this.#usage : null,
    };
    return {
      answer: {
        response: JSON.stringify(toCompletion(answer)), contentType: 'application/json', usage,
        modelRevision: revisionField(this.#meta.model), systemFingerprint: revisionField(this.#meta.systemFingerprint),
      },
      usage,
      reason: null,
    };
  }

  #unstorableReason(): UnstoredReason | null {
    if (this.#failure !== null) return this.#failure;
    if (this.#parser.dropped > 0) return 'too-large';
    const choices = [...(this.#choices?.values() ?? [])];
    if (choices.length === 0) return 'not-an-answer';
    if (!this.#done && !choices.every((c) => c.finishReason !== null)) return 'incomplete';
    return null;
  }

  #event(event: SseEvent): void {
    if (this.#stopped) return;
    if (event.type === 'error') return this.#fail('error-event');
    const data = event.data.trim();
    if (data === '') return;
    if (data === '[DONE]') {
      this.#done = true;
      return;
    }
    if (this.#done) return;
    let chunk: unknown;
    try {
      chunk = JSON.parse(event.data);
    } catch {
      return this.#fail('not-an-answer');
    }
    if (!isObject(chunk)) return this.#fail('not-an-answer');
    if (chunk.error !== undefined && chunk.error !== null) return this.#fail('error-event');
    if (isObject(chunk.usage)) this.#usage = chunk.usage;
    this.#readMeta(chunk);
    if (!Array.isArray(chunk.choices)) return;
    for (const raw of chunk.choices) {
      if (!isObject(raw) || typeof raw.index !== 'number') return this.#fail('not-an-answer');
      if (this.#choices) this.#merge(raw.index, raw);
    }
  }

  #fail(reason: UnstoredReason): void {
    this.#failure = reason;
    this.#choices = null;
  }

  #readMeta(chunk: Json): void {
    const m = this.#meta;
    if (!m.id && typeof chunk.id === 'string') m.id = chunk.id;
    if (!m.created && typeof chunk.created === 'number') m.created = chunk.created;
    if (!m.model && typeof chunk.model === 'string') m.model = chunk.model;
    if (m.systemFingerprint === null && typeof chunk.system_fingerprint === 'string') m.systemFingerprint = chunk.system_fingerprint;
  }

  #merge(index: number, raw: Json): void {
    let choice = this.#choices!.get(index);
    if (!choice) {
      choice = { index, role: null, content: null, extras: {}, toolCalls: [], finishReason: null };
      this.#choices!.set(index, choice);
    }
    if (typeof raw.finish_reason === 'string') choice.finishReason = raw.finish_reason;
    if (this.#endpoint === 'completions') {
      if (typeof raw.text === 'string') choice.content = (choice.content ?? '') + raw.text;
      return;
    }
    const delta = raw.delta;
    if (!isObject(delta)) return;
    // The legacy function_call has no place in the canonical form: such an answer is not stored.
    if (delta.function_call !== undefined && delta.function_call !== null) return this.#fail('not-an-answer');
    if (typeof delta.role === 'string' && choice.role === null) choice.role = delta.role;
    if (typeof delta.content === 'string') choice.content = (choice.content ?? '') + delta.content;
    for (const [k, v] of Object.entries(delta)) {
      if (!STRUCTURED_DELTA.has(k) && typeof v === 'string') choice.extras[k] = (choice.extras[k] ?? '') + v;
    }
    if (Array.isArray(delta.tool_calls)) this.#mergeToolCalls(choice, delta.tool_calls);
  }

  #mergeToolCalls(choice: CanonicalChoice, deltas: unknown[]): void {
    for (const d of deltas) {
      if (!isObject(d) || typeof d.index !== 'number') return this.#fail('not-an-answer');
      // Tool calls are numbered from 0 in order; a gap would leave a hole in the stored answer.
      if (d.index > choice.toolCalls.length) return this.#fail('not-an-answer');
      const call = choice.toolCalls[d.index] ?? { id: '', type: 'function', name: '', arguments: '' };
      choice.toolCalls[d.index] = call;
      if (typeof d.id === 'string' && !call.id) call.id = d.id;
      if (typeof d.type === 'string') call.type = d.type;
      const fn = isObject(d.function) ? d.function : {};
      // OpenAI sends the name once and the arguments in pieces.
      if (typeof fn.name === 'string' && !call.name) call.name = fn.name;
      if (typeof fn.arguments === 'string') call.arguments += fn.arguments;
    }
  }
}
