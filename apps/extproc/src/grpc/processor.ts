import type { HttpBody, HttpHeaders } from '@semcache/proto';
import type { Reply } from './replies.ts';

/**
 * What happens to one HTTP request, phase by phase. The stream loop calls exactly one method per message
 * and writes its reply; it knows nothing of LLM APIs.
 */
export interface StreamProcessor {
  requestHeaders(msg: HttpHeaders): Reply | Promise<Reply>;
  requestBody(msg: HttpBody): Reply | Promise<Reply>;
  responseHeaders(msg: HttpHeaders): Reply | Promise<Reply>;
  responseBody(msg: HttpBody): Reply | Promise<Reply>;
  /** The stream ended (normally or not) before the processor said it was done. */
  abandoned?(): void;
  /** The stream is over, whichever way it ended; called once, before abandoned() when both apply. */
  finished?(): void;
}
