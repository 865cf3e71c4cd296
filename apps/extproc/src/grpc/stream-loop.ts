import { performance } from 'node:perf_hooks';
import type * as grpc from '@grpc/grpc-js';
import type { ProcessingRequest, ProcessingResponse } from '@semcache/proto';
import type { Logger } from 'pino';
import type { StreamProcessor } from './processor.ts';
import { continueReply, type Reply } from './replies.ts';

export type ProcessStream = grpc.ServerDuplexStream<ProcessingRequest, ProcessingResponse>;

export interface StreamLoopOptions {
  newProcessor: () => StreamProcessor;
  logger: Logger;
  onStreamEnd?: (seconds: number) => void;
  /** A processor threw; without this, each failure is logged at error level. */
  onFailure?: (err: unknown) => void;
}

/**
 * Drives one ext_proc stream: exactly one reply per message, in order (Envoy pipelines streamed body
 * chunks), and our side ends as soon as Envoy will send nothing more, or at once when Envoy half-closes.
 * A processor that throws turns the rest of the stream into a pass-through: the cache never fails a request.
 */
export function runStream(call: ProcessStream, opts: StreamLoopOptions): void {
  const started = performance.now();
  const processor = opts.newProcessor();
  let chain: Promise<void> = Promise.resolve();
  let ended = false;
  let failed = false;

  const finish = (): void => {
    if (ended) return;
    ended = true;
    opts.onStreamEnd?.((performance.now() - started) / 1000);
    processor.finished?.();
  };
  const endOurSide = (): void => {
    if (ended) return;
    finish();
    call.end();
  };

  call.on('data', (msg: ProcessingRequest) => {
    chain = chain.then(async () => {
      if (ended) return;
      let reply: Reply;
      try {
        reply = failed ? passThrough(msg) : await dispatch(processor, msg);
      } catch (err) {
        failed = true;
        if (opts.onFailure) opts.onFailure(err);
        else opts.logger.error({ err }, 'ext_proc processor failed; passing the request through');
        reply = passThrough(msg);
      }
      if (ended) return;
      call.write(reply.response);
      if (reply.done) endOurSide();
    });
  });
  // Envoy's graceful close: it half-closes when it expects nothing more; answer at once.
  call.on('end', () => {
    chain = chain.then(endOurSide);
  });
  // Envoy resets every stream when the request ends: CANCELLED here is the normal end, not an error.
  const abandon = (): void => {
    if (ended) return;
    finish();
    processor.abandoned?.();
  };
  call.on('cancelled', abandon);
  call.on('error', (err: grpc.ServiceError) => {
    if (err.code !== 1) opts.logger.debug({ err }, 'ext_proc stream error');
    abandon();
  });
}

function dispatch(p: StreamProcessor, msg: ProcessingRequest): Reply | Promise<Reply> {
  if (msg.request_headers) return p.requestHeaders(msg.request_headers);
  if (msg.request_body) return p.requestBody(msg.request_body);
  if (msg.response_headers) return p.responseHeaders(msg.response_headers);
  if (msg.response_body) return p.responseBody(msg.response_body);
  return passThrough(msg);
}

/** The reply of the matching kind that changes nothing. */
export function passThrough(msg: ProcessingRequest): Reply {
  if (msg.request_headers) return continueReply('request_headers');
  if (msg.request_body) return continueReply('request_body');
  if (msg.response_headers) return continueReply('response_headers');
  if (msg.response_body) return continueReply('response_body');
  if (msg.request_trailers) return { response: { request_trailers: {} }, done: false };
  return { response: { response_trailers: {} }, done: false };
}
