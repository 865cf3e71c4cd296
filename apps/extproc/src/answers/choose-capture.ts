import type { EndpointKind } from '@semcache/shared';
import type { AnswerCapture, UnstoredReason } from './answer-capture.ts';
import { JsonCapture } from './json-capture.ts';
import { wireFormatOf } from './wire-formats.ts';

export interface ResponseHead {
  status: number;
  contentType: string;
  contentEncoding: string;
  /** The response has no body. */
  endOfStream: boolean;
  /** Its content-length header, where it has one. */
  contentLength?: number | null;
}

/**
 * How to read this response's body, or why not to: only a 2xx, uncompressed answer with a body is read,
 * as JSON (whole) or as server-sent events (chunk by chunk, each passed on at once) where its API streams.
 */
export function chooseCapture(head: ResponseHead, endpoint: EndpointKind, maxBytes: number): AnswerCapture | UnstoredReason {
  if (head.status < 200 || head.status >= 300) return 'status';
  const type = head.contentType.split(';')[0]!.trim().toLowerCase();
  const streamed = type === 'text/event-stream';
  if (!streamed && !/\bjson\b/.test(type)) return 'content-type';
  if (head.contentEncoding.trim().toLowerCase() !== 'identity') return 'content-encoding';
  if (head.endOfStream) return 'empty-body';
  if (!streamed) return (head.contentLength ?? 0) > maxBytes ? 'too-large' : new JsonCapture(endpoint, maxBytes, head.contentType);
  const { assembler } = wireFormatOf(endpoint);
  return assembler ? assembler(maxBytes) : 'content-type';
}
