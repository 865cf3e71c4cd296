import type { Usage } from '@semcache/shared';
import type { StoredAnswer } from '../cache/cache-engine.ts';

/** Why an answer is not stored; few and fixed, as they become a metrics label. */
export type UnstoredReason =
  | 'status' | 'content-type' | 'content-encoding' | 'empty-body' | 'too-large' | 'not-an-answer' | 'incomplete' | 'error-event';

/** What a response body turned out to hold, once it has ended. */
export interface CaptureResult {
  /** The answer to store; null when it must not be (`reason` says why). */
  answer: StoredAnswer | null;
  /** The upstream's token usage, stored or not; null when absent or malformed. */
  usage: Usage | null;
  reason: UnstoredReason | null;
}

/** Collects one response body, chunk by chunk, within a size cap. */
export interface AnswerCapture {
  /** True when the body should reach us STREAMED (each chunk passed on at once) rather than BUFFERED. */
  readonly streamed: boolean;
  push(chunk: Uint8Array): void;
  finish(): CaptureResult;
}
