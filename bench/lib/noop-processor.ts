import type { StreamProcessor } from '../../apps/extproc/src/grpc/processor.ts';
import { continueReply } from '../../apps/extproc/src/grpc/replies.ts';

/** Answers CONTINUE to every message and never ends the stream itself: the transport's own cost, nothing more. */
export const noopProcessor = (): StreamProcessor => ({
  requestHeaders: () => continueReply('request_headers'),
  requestBody: () => continueReply('request_body'),
  responseHeaders: () => continueReply('response_headers'),
  responseBody: () => continueReply('response_body'),
});
