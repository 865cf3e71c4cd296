import type { AnswerCapture, CaptureResult, UnstoredReason } from './answer-capture.ts';
import { isObject, responsesUsage, storableResponse, type Json } from './responses-answer.ts';
import { revisionOf } from './model-revision.ts';
import { SseParser, type SseEvent } from './sse-parser.ts';

/**
 * Reads a Responses API SSE answer. Its last event, `response.completed`, carries the whole response: that is
 * the document to store, once checked as a JSON answer would be. `response.failed`, `response.incomplete`, an
 * `error` event or a stream that stops before `response.completed` store nothing.
 */
export class ResponsesStreamAssembler implements AnswerCapture {
  readonly streamed = true;
  readonly #maxBytes: number;
  readonly #parser: SseParser;
  #bytes = 0;
  #final: Json | null = null;
  #usage: unknown = null;
  #failure: UnstoredReason | null = null;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
    this.#parser = new SseParser(maxBytes);
  }

  push(chunk: Uint8Array): void {
    if (this.#failure === 'error-event') return;
    this.#bytes += chunk.length;
    if (this.#bytes > this.#maxBytes) this.#failure ??= 'too-large';
    for (const event of this.#parser.push(chunk)) this.#event(event);
  }

  finish(): CaptureResult {
    if (this.#failure !== 'error-event') for (const event of this.#parser.end()) this.#event(event);
    const usage = responsesUsage(this.#usage);
    let reason: UnstoredReason | null = this.#failure ?? (this.#parser.dropped > 0 ? 'too-large' : null);
    if (reason === null && !this.#final) reason = 'incomplete';
    if (reason === null && !storableResponse(this.#final)) reason = 'not-an-answer';
    if (reason !== null) return { answer: null, usage, reason };
    return { answer: { response: JSON.stringify(this.#final), contentType: 'application/json', usage, ...revisionOf(this.#final) }, usage, reason: null };
  }

  #event(event: SseEvent): void {
    if (this.#failure === 'error-event' || this.#final) return;
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      this.#failure ??= 'not-an-answer';
      return;
    }
    const type = isObject(data) ? data.type : undefined;
    if (event.type === 'error' || type === 'error' || type === 'response.failed') {
      this.#failure = 'error-event';
      return;
    }
    const response = isObject(data) && isObject(data.response) ? data.response : null;
    if (response && isObject(response.usage)) this.#usage = response.usage;
    if (type === 'response.incomplete') this.#failure ??= 'incomplete';
    else if (type === 'response.completed' && response) this.#final = this.#failure === null ? response : null;
  }
}
