import http2 from 'node:http2';
import { randomUUID } from 'node:crypto';
import type { ProcessingRequest, ProcessingResponse } from '@semcache/proto';
import { GrpcH2Stream } from '@semcache/testkit';

export type CloseMode = 'reset' | 'half-close';

/** What the reply to the request body must be for the stream to count as a success. */
export type Expect = { kind: 'immediate'; cacheHeader: string } | { kind: 'continue' };

const MESSAGE_TIMEOUT_MS = 5000;
const hv = (key: string, value: string) => ({ key, raw_value: Buffer.from(value, 'latin1') });

/**
 * The request phase of an Envoy ext_proc stream, lean enough to load a server: request_headers, then the
 * buffered request_body, each awaiting its one reply, then the stream ends as Envoy ends it (reset, or
 * half-close with the graceful-close flag). Same transport as testkit's EnvoyClient (GrpcH2Stream over one
 * HTTP/2 connection, reopened after a GOAWAY) and the same messages it sends for a cache hit; it adds no
 * upstream call, so a hit on the cache and a CONTINUE from the no-op server cost the client the same.
 */
export class ExtProcDriver {
  readonly #target: string;
  readonly #closeMode: CloseMode;
  #session: http2.ClientHttp2Session | null = null;
  /** Streams whose final gRPC status arrives after the reply; awaited by `settle`. */
  #statuses: Promise<string | null>[] = [];
  /** Connection-level failures (GOAWAY with an error, connection errors). */
  readonly connectionFailures: string[] = [];
  /** GOAWAYs received, graceful ones included. */
  goaways = 0;

  constructor(target: string, closeMode: CloseMode) {
    this.#target = target;
    this.#closeMode = closeMode;
  }

  #connection(): http2.ClientHttp2Session {
    if (this.#session && !this.#session.closed && !this.#session.destroyed) return this.#session;
    const session = http2.connect(`http://${this.#target}`);
    session.on('error', (err) => this.connectionFailures.push(`connection error: ${err.message}`));
    session.on('goaway', (code) => {
      if (code !== http2.constants.NGHTTP2_NO_ERROR) this.connectionFailures.push(`GOAWAY ${code}`);
      this.goaways++;
      // As Envoy does: streams in flight finish on the old connection, new ones go to a new connection.
      if (this.#session === session) this.#session = null;
    });
    session.on('close', () => {
      if (this.#session === session) this.#session = null;
    });
    this.#session = session;
    return session;
  }

  /** One stream; null on success, else why it failed. */
  async stream(path: string, body: Buffer, expect: Expect): Promise<string | null> {
    const stream = new GrpcH2Stream(this.#connection());
    let failure: string | null = 'unfinished';
    try {
      const headers = {
        ':method': 'POST', ':path': path, ':scheme': 'http', ':authority': 'llm.example.internal',
        'x-forwarded-proto': 'http', 'x-request-id': randomUUID(), 'content-type': 'application/json',
        'content-length': String(body.length),
      };
      stream.send({
        request_headers: { headers: { headers: Object.entries(headers).map(([k, v]) => hv(k, v)) }, end_of_stream: false },
        attributes: {},
        metadata_context: { filter_metadata: {} },
      } satisfies ProcessingRequest);
      const first = await stream.next(MESSAGE_TIMEOUT_MS);
      if (!first.request_headers) return (failure = `unexpected reply to request_headers: ${kindOf(first)}`);
      stream.send({ request_body: { body, end_of_stream: true } });
      return (failure = check(await stream.next(MESSAGE_TIMEOUT_MS), expect));
    } catch (err) {
      return (failure = err instanceof Error ? err.message : String(err));
    } finally {
      if (this.#closeMode === 'reset') stream.reset();
      else stream.halfClose();
      // A stream that failed is counted once, by its reply; one that succeeded can still end in an error.
      if (failure === null) {
        this.#statuses.push(stream.status.then((s) => (s && s.code !== 0 && s.code !== 1 ? `stream ended ${s.code}: ${s.details}` : null)));
      }
    }
  }

  /** Failures reported by streams' final statuses since the last call. */
  async settle(): Promise<string[]> {
    const statuses = this.#statuses;
    this.#statuses = [];
    return (await Promise.all(statuses)).filter((s): s is string => s !== null);
  }

  close(): void {
    this.#session?.close();
    this.#session = null;
  }
}

function check(reply: ProcessingResponse, expect: Expect): string | null {
  if (expect.kind === 'continue') return reply.request_body ? null : `expected CONTINUE, got ${kindOf(reply)}`;
  if (!reply.immediate_response) return `expected a cache hit, got ${kindOf(reply)}`;
  const header = reply.immediate_response.headers?.set_headers?.find((h) => h.header.key === 'x-semantic-cache');
  const value = header ? Buffer.from(header.header.raw_value ?? []).toString('latin1') : '';
  return value === expect.cacheHeader ? null : `expected ${expect.cacheHeader}, got ${value || 'no cache header'}`;
}

function kindOf(reply: ProcessingResponse): string {
  return Object.keys(reply).filter((k) => reply[k as keyof ProcessingResponse] !== undefined).join(',') || 'empty';
}
