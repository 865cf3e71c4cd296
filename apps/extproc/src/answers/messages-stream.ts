import type { AnswerCapture, CaptureResult, UnstoredReason } from './answer-capture.ts';
import { isObject, messagesUsage, storableMessage, type Json } from './messages-answer.ts';
import { revisionOf } from './model-revision.ts';
import { SseParser, type SseEvent } from './sse-parser.ts';

/**
 * Assembles an Anthropic Messages SSE answer into the `message` document a non-stream request gets. Storable
 * only if it reached `message_stop`, carried no error, held only replayable blocks and stayed within `maxBytes`.
 * An unstorable answer is still read to its end, for the usage in its last `message_delta`.
 */
export class MessagesStreamAssembler implements AnswerCapture {
  readonly streamed = true;
  readonly #maxBytes: number;
  readonly #parser: SseParser;
  #bytes = 0;
  #message: Json | null = null;
  /** Null once the text is no longer kept (too large, or not an answer to store). */
  #blocks: Json[] | null = [];
  #usage: Json = {};
  #stop: { reason: unknown; sequence: unknown } = { reason: null, sequence: null };
  #done = false;
  #failure: UnstoredReason | null = null;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
    this.#parser = new SseParser(maxBytes);
  }

  push(chunk: Uint8Array): void {
    if (this.#failure === 'error-event') return;
    this.#bytes += chunk.length;
    if (this.#bytes > this.#maxBytes) this.#unstorable('too-large');
    for (const event of this.#parser.push(chunk)) this.#event(event);
  }

  finish(): CaptureResult {
    if (this.#failure !== 'error-event') for (const event of this.#parser.end()) this.#event(event);
    const usage = messagesUsage(this.#usage);
    const reason = this.#reason();
    if (reason !== null) return { answer: null, usage, reason };
    const doc = { ...this.#message, content: this.#blocks, stop_reason: this.#stop.reason, stop_sequence: this.#stop.sequence, usage: this.#usage };
    if (!storableMessage(doc)) return { answer: null, usage, reason: 'not-an-answer' };
    return { answer: { response: JSON.stringify(doc), contentType: 'application/json', usage, ...revisionOf(doc) }, usage, reason: null };
  }

  #reason(): UnstoredReason | null {
    if (this.#failure !== null) return this.#failure;
    if (this.#parser.dropped > 0) return 'too-large';
    if (!this.#message) return 'not-an-answer';
    return this.#done ? null : 'incomplete';
  }

  #unstorable(reason: UnstoredReason): void {
    this.#failure ??= reason;
    this.#blocks = null;
  }

  #event(event: SseEvent): void {
    if (this.#failure === 'error-event' || this.#done) return;
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      return this.#unstorable('not-an-answer');
    }
    if (!isObject(data)) return this.#unstorable('not-an-answer');
    const type = data.type ?? event.type;
    if (type === 'error' || event.type === 'error') return this.#unstorable('error-event');
    if (type === 'message_start') return this.#start(data.message);
    if (type === 'message_delta') return this.#delta(data);
    if (type === 'message_stop') {
      this.#done = true;
      return;
    }
    if (type === 'content_block_start') return this.#blockStart(data);
    if (type === 'content_block_delta') return this.#blockDelta(data);
    // ping, content_block_stop, and event types added later carry nothing the answer needs.
  }

  #start(message: unknown): void {
    if (this.#message || !isObject(message)) return this.#unstorable('not-an-answer');
    this.#message = { ...message };
    delete this.#message.content;
    if (isObject(message.usage)) this.#usage = { ...message.usage };
  }

  #delta(data: Json): void {
    if (isObject(data.delta)) this.#stop = { reason: data.delta.stop_reason ?? null, sequence: data.delta.stop_sequence ?? null };
    // Its counters are whole-message totals: they replace those of message_start, never add to them.
    if (isObject(data.usage)) for (const [k, v] of Object.entries(data.usage)) if (v !== null && v !== undefined) this.#usage[k] = v;
  }

  #blockStart(data: Json): void {
    if (!this.#blocks) return;
    const block = data.content_block;
    if (data.index !== this.#blocks.length || !isObject(block)) return this.#unstorable('not-an-answer');
    this.#blocks.push({ ...block });
  }

  #blockDelta(data: Json): void {
    if (!this.#blocks) return;
    const block = typeof data.index === 'number' ? this.#blocks[data.index] : undefined;
    const delta = data.delta;
    if (!block || !isObject(delta)) return this.#unstorable('not-an-answer');
    const append = (field: string, piece: unknown): boolean => {
      if (typeof piece !== 'string') return false;
      block[field] = String(block[field] ?? '') + piece;
      return true;
    };
    let merged = false;
    if (delta.type === 'text_delta' && block.type === 'text') merged = append('text', delta.text);
    else if (delta.type === 'thinking_delta' && block.type === 'thinking') merged = append('thinking', delta.thinking);
    else if (delta.type === 'signature_delta' && block.type === 'thinking' && typeof delta.signature === 'string') {
      block.signature = delta.signature;
      merged = true;
    }
    // Tool input and citations have no replay here: such an answer is passed on, not stored.
    if (!merged) this.#unstorable('not-an-answer');
  }
}
