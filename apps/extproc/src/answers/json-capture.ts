import type { EndpointKind } from '@semcache/shared';
import type { AnswerCapture, CaptureResult } from './answer-capture.ts';
import { wireFormatOf } from './wire-formats.ts';
import { revisionOf } from './model-revision.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A BUFFERED JSON answer. Stored as the upstream sent it (it is already the endpoint's canonical document), once
 * its API's wire format has checked it is a complete answer that can also be replayed as SSE. Past `maxBytes` the
 * bytes are let go.
 */
export class JsonCapture implements AnswerCapture {
  readonly streamed = false;
  readonly #endpoint: EndpointKind;
  readonly #maxBytes: number;
  readonly #contentType: string;
  #chunks: Buffer[] | null = [];
  #bytes = 0;

  constructor(endpoint: EndpointKind, maxBytes: number, contentType: string) {
    this.#endpoint = endpoint;
    this.#maxBytes = maxBytes;
    this.#contentType = contentType;
  }

  push(chunk: Uint8Array): void {
    this.#bytes += chunk.length;
    if (this.#bytes > this.#maxBytes) this.#chunks = null;
    else this.#chunks?.push(Buffer.from(chunk));
  }

  finish(): CaptureResult {
    if (!this.#chunks) return { answer: null, usage: null, reason: 'too-large' };
    let text: string;
    let doc: unknown;
    try {
      text = utf8.decode(Buffer.concat(this.#chunks));
      doc = JSON.parse(text);
    } catch {
      return { answer: null, usage: null, reason: 'not-an-answer' };
    }
    this.#chunks = null;
    const wire = wireFormatOf(this.#endpoint);
    const usage = wire.usage(doc);
    if (!wire.storable(doc)) return { answer: null, usage, reason: 'not-an-answer' };
    return { answer: { response: text, contentType: this.#contentType || 'application/json', usage, ...revisionOf(doc) }, usage, reason: null };
  }
}
