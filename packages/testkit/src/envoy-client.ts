import http from 'node:http';
import {
  type BodySendMode, type HeaderMutation, type HeaderSendMode, type ProcessingMode, type ProcessingRequest,
  type ProcessingResponse, type ProtoStruct,
} from '@semcache/proto';
import { ExtProcConnection, type CloseMode, type ClientTls } from './ext-proc-connection.ts';

/**
 * An ext_proc client that behaves as Envoy does (see shared/ENVOY-EXT-PROC.md): one stream per request,
 * headers sent as raw_value only, exactly one reply expected per message, mutations read from raw_value
 * only, content-length checked against replaced bodies, mode_override honoured where Envoy honours it, and
 * the stream reset (or half-closed) when the request is done.
 */

export interface EnvoyClientOptions {
  /** host:port of the ext_proc server. */
  target: string;
  /** Base URL of the upstream (the model server), e.g. http://127.0.0.1:1234 */
  upstream: string;
  /** How Envoy ends each stream: a reset (default Envoy) or a half-close (graceful-close runtime flag). */
  closeMode?: CloseMode;
  processingMode?: Required<Pick<ProcessingMode, 'request_header_mode' | 'request_body_mode' | 'response_header_mode' | 'response_body_mode'>>;
  allowModeOverride?: boolean;
  messageTimeoutMs?: number;
  failureModeAllow?: boolean;
  /** Envoy's per-stream buffer limit for BUFFERED bodies. */
  bufferLimitBytes?: number;
  /** The cluster's UpstreamTlsContext: connect with TLS, presenting this client certificate (if any). */
  tls?: ClientTls;
}

export interface EnvoyRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Called as each STREAMED response chunk is delivered downstream. */
  onChunk?: (data: Buffer) => void;
}

export interface EnvoyResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** 'immediate' when the ext_proc server answered; 'upstream' when the request went to the model. */
  source: 'immediate' | 'upstream' | 'envoy';
  /** Headers the upstream received (after request header mutations); null if it was not called. */
  upstreamRequestHeaders: Record<string, string> | null;
  /** Response body chunks as delivered downstream, with their arrival time (ms since the request began). */
  chunks: { at: number; data: Buffer }[];
  dynamicMetadata: ProtoStruct[];
  immediateDetails: string | null;
  /** Why Envoy itself answered (protocol violation, timeout, stream failure). */
  error: string | null;
}

export const DEFAULT_MODE = {
  request_header_mode: 'SEND',
  request_body_mode: 'BUFFERED_PARTIAL',
  response_header_mode: 'SEND',
  response_body_mode: 'BUFFERED_PARTIAL',
} as const satisfies EnvoyClientOptions['processingMode'];

class ProtocolError extends Error {}

/** A mutation Envoy refuses with a 500 to the client even under failure_mode_allow (seen on 1.36 and 1.40). */
class RejectedMutationError extends ProtocolError {}

/** The upstream cut the response mid-body: Envoy resets the downstream and ext_proc streams, no end_of_stream. */
class UpstreamResetError extends Error {}

type Kind = NonNullable<ProcessingResponse['response']>;

const hv = (key: string, value: string) => ({ key, raw_value: Buffer.from(value, 'latin1') });

function toHeaderMap(headers: Record<string, string>) {
  return { headers: Object.entries(headers).map(([k, v]) => hv(k, v)) };
}

/**
 * Applies a HeaderMutation the way Envoy 1.36 and 1.40 do: only raw_value is read, so a header set with
 * `value` alone arrives empty, and with both set raw_value wins (no error).
 */
function applyMutation(headers: Record<string, string>, m: HeaderMutation | undefined): void {
  for (const key of m?.remove_headers ?? []) delete headers[key.toLowerCase()];
  for (const opt of m?.set_headers ?? []) {
    const h = opt.header;
    const key = h.key.toLowerCase();
    const value = h.raw_value?.length ? Buffer.from(h.raw_value).toString('latin1') : '';
    const action = opt.append_action ?? 'APPEND_IF_EXISTS_OR_ADD';
    if (action === 'ADD_IF_ABSENT' && key in headers) continue;
    if (action === 'OVERWRITE_IF_EXISTS' && !(key in headers)) continue;
    headers[key] = action === 'APPEND_IF_EXISTS_OR_ADD' && key in headers ? `${headers[key]},${value}` : value;
  }
}

export class EnvoyClient {
  readonly #connection: ExtProcConnection;
  readonly #opts: Required<Omit<EnvoyClientOptions, 'tls'>>;
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  /** Failed ext_proc streams (gRPC status other than OK/CANCELLED, or protocol violations). */
  readonly failures: string[] = [];

  constructor(opts: EnvoyClientOptions) {
    this.#connection = new ExtProcConnection(opts.target, (reason) => this.failures.push(reason), opts.tls);
    this.#opts = {
      closeMode: 'reset',
      processingMode: DEFAULT_MODE,
      allowModeOverride: true,
      messageTimeoutMs: 5000,
      failureModeAllow: false,
      bufferLimitBytes: 64 * 1024 * 1024,
      ...opts,
    };
  }

  close(): void {
    this.#connection.close();
    this.#agent.destroy();
  }

  /**
   * A downstream client that hangs up after the request headers: Envoy resets the ext_proc stream while the
   * server still waits for the body, so the reset counts against the server's HTTP/2 reset limit.
   */
  async hangUpAfterHeaders(req: EnvoyRequest): Promise<void> {
    const stream = this.#connection.open();
    try {
      stream.send({
        request_headers: {
          headers: toHeaderMap({ ':method': req.method ?? 'POST', ':path': req.path, ':scheme': 'http', ':authority': 'llm.example.internal', ...req.headers }),
          end_of_stream: false,
        },
      });
      await stream.next(this.#opts.messageTimeoutMs);
    } finally {
      stream.reset();
    }
  }

  async send(req: EnvoyRequest): Promise<EnvoyResponse> {
    const started = performance.now();
    const body = req.body === undefined ? Buffer.alloc(0) : Buffer.from(req.body);
    const mode = { ...this.#opts.processingMode };
    const requestHeaders: Record<string, string> = {
      ':method': req.method ?? 'POST',
      ':path': req.path,
      ':scheme': 'http',
      ':authority': 'llm.example.internal',
      'x-forwarded-proto': 'http',
      'x-request-id': crypto.randomUUID(),
      ...(body.length > 0 ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
      ...Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    };
    const result: EnvoyResponse = {
      status: 0, headers: {}, body: Buffer.alloc(0), source: 'upstream', upstreamRequestHeaders: null, chunks: [],
      dynamicMetadata: [], immediateDetails: null, error: null,
    };
    const stream = this.#connection.open();
    let processorActive = true;
    const exchange = async (msg: ProcessingRequest, expected: Kind): Promise<ProcessingResponse | null> => {
      if (!processorActive) return null;
      stream.send(msg);
      const reply = await stream.next(this.#opts.messageTimeoutMs);
      if (reply.dynamic_metadata) result.dynamicMetadata.push(reply.dynamic_metadata);
      if (reply.immediate_response) return reply;
      if (!reply[expected]) throw new ProtocolError(`spurious reply: expected ${expected}, got ${reply.response ?? Object.keys(reply).join(',')}`);
      return reply;
    };
    const overrideMode = (reply: ProcessingResponse | null): void => {
      if (!reply?.mode_override || !this.#opts.allowModeOverride) return;
      // Body modes are taken literally: an omitted one becomes NONE.
      mode.request_body_mode = (reply.mode_override.request_body_mode ?? 'NONE') as typeof mode.request_body_mode;
      mode.response_body_mode = (reply.mode_override.response_body_mode ?? 'NONE') as typeof mode.response_body_mode;
      const rh = reply.mode_override.response_header_mode as HeaderSendMode | undefined;
      if (rh && rh !== 'DEFAULT') mode.response_header_mode = rh as typeof mode.response_header_mode;
    };
    const immediate = (reply: ProcessingResponse): EnvoyResponse => {
      const ir = reply.immediate_response!;
      const code = Number(typeof ir.status?.code === 'string' ? statusFromEnum(ir.status.code) : ir.status?.code ?? 0);
      const headers: Record<string, string> = {};
      applyMutation(headers, ir.headers);
      headers['content-type'] ??= 'text/plain';
      const data = Buffer.from(ir.body ?? Buffer.alloc(0));
      headers['content-length'] = String(data.length);
      return { ...result, status: code < 200 ? 200 : code, headers, body: data, source: 'immediate', immediateDetails: ir.details ?? null, chunks: [{ at: performance.now() - started, data }] };
    };
    const fail = (err: unknown): EnvoyResponse | null => {
      const message = err instanceof Error ? err.message : String(err);
      this.failures.push(message);
      if (this.#opts.failureModeAllow && !(err instanceof RejectedMutationError)) {
        processorActive = false;
        return null;
      }
      const status = message === 'message_timeout' ? 504 : 500;
      // Real Envoy's own 500 here has no body and no content-type; the reason is only in its logs.
      return { ...result, status, headers: {}, body: Buffer.alloc(0), source: 'envoy', error: message };
    };

    try {
      // 1. request headers (the first message also carries attributes and metadata_context)
      let out: EnvoyResponse | null = null;
      try {
        const reply = await exchange({
          request_headers: { headers: toHeaderMap(requestHeaders), end_of_stream: body.length === 0 },
          attributes: {},
          metadata_context: { filter_metadata: {} },
        }, 'request_headers');
        if (reply?.immediate_response) return immediate(reply);
        applyMutation(requestHeaders, reply?.request_headers?.response?.header_mutation);
        overrideMode(reply);
      } catch (err) {
        out = fail(err);
        if (out) return out;
      }

      // 2. request body
      let upstreamBody = body;
      const requestMode = mode.request_body_mode;
      if (body.length > 0 && (requestMode === 'BUFFERED' || requestMode === 'BUFFERED_PARTIAL')) {
        const overLimit = body.length > this.#opts.bufferLimitBytes;
        if (requestMode === 'BUFFERED' && overLimit) return { ...result, status: 413, source: 'envoy', error: 'request body over the buffer limit' };
        try {
          // Past the limit BUFFERED_PARTIAL sends what fits, without end_of_stream; the whole body still goes on.
          const sent = overLimit ? body.subarray(0, this.#opts.bufferLimitBytes) : body;
          const reply = await exchange({ request_body: { body: sent, end_of_stream: !overLimit } }, 'request_body');
          if (reply?.immediate_response) return immediate(reply);
          const common = reply?.request_body?.response;
          applyMutation(requestHeaders, common?.header_mutation);
          // What Envoy makes of a replaced partial body is not modelled: the cache never replaces a request body.
          if (common?.body_mutation?.body && !overLimit) upstreamBody = Buffer.from(common.body_mutation.body);
          checkContentLength(requestHeaders, upstreamBody, common?.body_mutation !== undefined);
        } catch (err) {
          out = fail(err);
          if (out) return out;
        }
      }

      // 3. upstream
      const upstreamHeaders = Object.fromEntries(Object.entries(requestHeaders).filter(([k]) => !k.startsWith(':')));
      result.upstreamRequestHeaders = { ...upstreamHeaders };
      const up = await this.#forward(requestHeaders[':method']!, requestHeaders[':path']!, upstreamHeaders, upstreamBody);
      const responseHeaders: Record<string, string> = { ':status': String(up.status), ...up.headers };

      // 4. response headers
      if (mode.response_header_mode !== 'SKIP') {
        try {
          const reply = await exchange({ response_headers: { headers: toHeaderMap(responseHeaders), end_of_stream: false } }, 'response_headers');
          if (reply?.immediate_response) return immediate(reply);
          applyMutation(responseHeaders, reply?.response_headers?.response?.header_mutation);
          overrideMode(reply);
        } catch (err) {
          out = fail(err);
          if (out) return out;
        }
      }

      // 5. response body
      const responseMode: BodySendMode = processorActive ? (mode.response_body_mode as BodySendMode) : 'NONE';
      const chunks: { at: number; data: Buffer }[] = [];
      let finalBody: Buffer;
      if (responseMode === 'STREAMED') {
        finalBody = await this.#streamResponse(up, started, chunks, responseHeaders, exchange, req.onChunk).catch((err: unknown) => {
          if (err instanceof UpstreamResetError) {
            const { ':status': code, ...headers } = responseHeaders;
            const cut: EnvoyResponse = {
              ...result, status: Number(code), headers, body: Buffer.concat(chunks.map((c) => c.data)), chunks, source: 'upstream', error: err.message,
            };
            throw Object.assign(new Error('upstream reset'), { response: cut });
          }
          const failed = fail(err);
          if (failed) throw Object.assign(new Error('stream failed'), { response: failed });
          return Buffer.concat(chunks.map((c) => c.data));
        });
      } else {
        const upBody = await up.body;
        finalBody = upBody;
        const overLimit = upBody.length > this.#opts.bufferLimitBytes;
        if (responseMode === 'BUFFERED' && overLimit) return { ...result, status: 500, source: 'envoy', error: 'response_payload_too_large' };
        if (responseMode === 'BUFFERED' || responseMode === 'BUFFERED_PARTIAL') {
          try {
            // Past the limit BUFFERED_PARTIAL sends what fits, without end_of_stream; the whole body still goes on.
            const sent = overLimit ? upBody.subarray(0, this.#opts.bufferLimitBytes) : upBody;
            const reply = await exchange({ response_body: { body: sent, end_of_stream: !overLimit } }, 'response_body');
            if (reply?.immediate_response) return immediate(reply);
            const common = reply?.response_body?.response;
            applyMutation(responseHeaders, common?.header_mutation);
            if (common?.body_mutation?.body) finalBody = Buffer.from(common.body_mutation.body);
            // Under BUFFERED_PARTIAL Envoy cannot vouch for a content-length once the body may be replaced: it drops it.
            if (responseMode === 'BUFFERED_PARTIAL' && common?.body_mutation !== undefined) delete responseHeaders['content-length'];
            else checkContentLength(responseHeaders, finalBody, common?.body_mutation !== undefined);
          } catch (err) {
            out = fail(err);
            if (out) return out;
          }
        }
        chunks.push({ at: performance.now() - started, data: finalBody });
      }
      const status = Number(responseHeaders[':status']);
      delete responseHeaders[':status'];
      return { ...result, status, headers: responseHeaders, body: finalBody, chunks, source: 'upstream' };
    } catch (err) {
      const carried = (err as { response?: EnvoyResponse }).response;
      if (carried) return carried;
      throw err;
    } finally {
      void this.#connection.end(stream, this.#opts.closeMode);
      void stream.status.then((s) => {
        if (s && s.code !== 0 && s.code !== 1) this.failures.push(`stream ended ${s.code}: ${s.details}`);
      });
    }
  }

  async #streamResponse(
    up: UpstreamResponse, started: number, chunks: { at: number; data: Buffer }[],
    responseHeaders: Record<string, string>,
    exchange: (msg: ProcessingRequest, expected: Kind) => Promise<ProcessingResponse | null>,
    onChunk?: (data: Buffer) => void,
  ): Promise<Buffer> {
    // Envoy pipelines streamed chunks: it sends each as it arrives and delivers it once its reply is in.
    const pending: Promise<void>[] = [];
    const deliver = (data: Buffer, last: boolean) => {
      const p = exchange({ response_body: { body: data, end_of_stream: last } }, 'response_body').then((reply) => {
        const common = reply?.response_body?.response;
        applyMutation(responseHeaders, common?.header_mutation);
        const out = common?.body_mutation?.body ? Buffer.from(common.body_mutation.body) : data;
        if (out.length > 0 || !last) {
          chunks.push({ at: performance.now() - started, data: out });
          onChunk?.(out);
        }
      });
      pending.push(p);
      return p;
    };
    // With a content-length, Envoy's codec sees the end with the last bytes and marks that chunk
    // end_of_stream; a chunked body ends with its own empty chunk.
    const length = up.headers['content-length'] === undefined ? -1 : Number(up.headers['content-length']);
    let received = 0;
    let endSent = false;
    let chain = Promise.resolve();
    try {
      for await (const chunk of up.stream) {
        const data = Buffer.from(chunk as Buffer);
        received += data.length;
        const last = received === length;
        endSent ||= last;
        chain = chain.then(() => deliver(data, last));
      }
    } catch (err) {
      // What was received is still delivered; then the streams are reset, as Envoy does.
      await chain.catch(() => undefined);
      throw new UpstreamResetError(`upstream reset mid-body: ${(err as Error).message}`);
    }
    if (!endSent) chain = chain.then(() => deliver(Buffer.alloc(0), true));
    await chain;
    await Promise.all(pending);
    return Buffer.concat(chunks.map((c) => c.data));
  }

  #forward(method: string, path: string, headers: Record<string, string>, body: Buffer): Promise<UpstreamResponse> {
    const url = new URL(path, this.#opts.upstream);
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method, headers, agent: this.#agent }, (res) => {
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(',') : v;
        resolve({
          status: res.statusCode ?? 502,
          headers: flat,
          stream: res,
          get body() {
            return (async () => {
              const parts: Buffer[] = [];
              for await (const c of res) parts.push(c as Buffer);
              return Buffer.concat(parts);
            })();
          },
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        // A kept-alive socket the upstream closed as it was reused: the request never reached it, so it is sent
        // again on a fresh one (Node's documented remedy; Envoy's pool does not hand out a connection being closed).
        if (req.reusedSocket && err.code === 'ECONNRESET') this.#forward(method, path, headers, body).then(resolve, reject);
        else reject(err);
      });
      req.end(body);
    });
  }
}

interface UpstreamResponse {
  status: number;
  headers: Record<string, string>;
  stream: http.IncomingMessage;
  readonly body: Promise<Buffer>;
}

function checkContentLength(headers: Record<string, string>, body: Buffer, replaced: boolean): void {
  if (!replaced) return;
  const cl = headers['content-length'];
  if (cl !== undefined && Number(cl) !== body.length) throw new RejectedMutationError(`content-length ${cl} does not match the replaced body (${body.length})`);
}

function statusFromEnum(name: string): number {
  const known: Record<string, number> = { OK: 200, Continue: 100, BadRequest: 400, NotFound: 404, InternalServerError: 500, GatewayTimeout: 504 };
  return known[name] ?? 200;
}
