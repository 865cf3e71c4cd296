import type { Usage } from '@semcache/shared';
import type { AnswerCapture } from './answer-capture.ts';

/** How the client asked for its answer; only framing, never part of what the answer is. */
export interface ReplayOptions {
  stream: boolean;
  includeUsage: boolean;
  /**
   * Request fields the answer document repeats (the Responses API echoes `metadata`, `user`, ...). They stay out
   * of the fingerprint, so a hit carries this request's values, never those of the client that was first.
   */
  echo?: Record<string, unknown>;
}

/** How one API's answers look on the wire: which are worth storing, how its SSE is read and written, its usage. */
export interface WireFormat {
  replayOptions(body: Record<string, unknown>): ReplayOptions;
  /** A complete JSON answer that may be stored: not an error, a tool call or an answer cut short. */
  storable(doc: unknown): boolean;
  /** The figures of the answer's usage object; null when absent or malformed (never a guess). */
  usage(doc: unknown): Usage | null;
  /** Reads the API's SSE answer into the JSON document a non-stream request gets; null when the API never streams. */
  assembler: ((maxBytes: number) => AnswerCapture) | null;
  /** A stored document as the SSE body the API would have streamed; null when it cannot be. */
  renderSse(doc: Record<string, unknown>, want: ReplayOptions): string | null;
}
