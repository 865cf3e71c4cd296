import type {
  BodySendMode, HeaderMutation, HeaderValueOption, ProcessingMode, ProcessingResponse, ProtoStruct,
} from '@semcache/proto';

export type PhaseKind = 'request_headers' | 'request_body' | 'response_headers' | 'response_body';

/** A reply to one message; `done` when Envoy will send nothing more on this stream. */
export interface Reply {
  response: ProcessingResponse;
  done: boolean;
}

export interface ContinueOptions {
  set?: HeaderValueOption[];
  remove?: string[];
  modeOverride?: ProcessingMode;
  dynamicMetadata?: ProtoStruct;
  done?: boolean;
}

/** Continue unchanged (or with header changes): the reply of the same kind as the message. */
export function continueReply(kind: PhaseKind, opts: ContinueOptions = {}): Reply {
  const mutation: HeaderMutation = {};
  if (opts.set?.length) mutation.set_headers = opts.set;
  if (opts.remove?.length) mutation.remove_headers = opts.remove;
  const common = mutation.set_headers || mutation.remove_headers ? { header_mutation: mutation } : {};
  const response: ProcessingResponse = { [kind]: { response: common } };
  if (opts.modeOverride) response.mode_override = opts.modeOverride;
  if (opts.dynamicMetadata) response.dynamic_metadata = opts.dynamicMetadata;
  return { response, done: opts.done ?? false };
}

export interface ImmediateOptions {
  status: number;
  headers: HeaderValueOption[];
  body: Buffer;
  details: string;
  dynamicMetadata?: ProtoStruct;
}

/** Answer the client now; Envoy closes the stream after it, so this ends ours too. */
export function immediateReply(opts: ImmediateOptions): Reply {
  const response: ProcessingResponse = {
    immediate_response: {
      status: { code: opts.status },
      headers: { set_headers: opts.headers },
      body: opts.body,
      details: opts.details,
    },
  };
  if (opts.dynamicMetadata) response.dynamic_metadata = opts.dynamicMetadata;
  return { response, done: true };
}

/** Skip every remaining phase of this request: Envoy sends nothing more. */
export const SKIP_ALL: ProcessingMode = {
  request_header_mode: 'SEND',
  request_body_mode: 'NONE',
  response_header_mode: 'SKIP',
  response_body_mode: 'NONE',
  request_trailer_mode: 'SKIP',
  response_trailer_mode: 'SKIP',
};

/** The mode an override at response_headers sets: only the response body's mode differs between them. */
const atResponseHeaders = (responseBody: BodySendMode): ProcessingMode => ({
  request_header_mode: 'SEND',
  response_header_mode: 'SEND',
  request_body_mode: 'NONE',
  response_body_mode: responseBody,
  request_trailer_mode: 'SKIP',
  response_trailer_mode: 'SKIP',
});

/** At response_headers: do not send the response body (nor trailers). */
export const SKIP_RESPONSE_BODY = atResponseHeaders('NONE');

/**
 * At response_headers: send the response body whole, or, past Envoy's buffer limit, the part that fits (without
 * end_of_stream) while the rest goes on to the client. BUFFERED would turn such an answer into a 500.
 */
export const BUFFER_RESPONSE_BODY = atResponseHeaders('BUFFERED_PARTIAL');

/** At response_headers: send the response body chunk by chunk, each passed on as soon as we reply. */
export const STREAM_RESPONSE_BODY = atResponseHeaders('STREAMED');
