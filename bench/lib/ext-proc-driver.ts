import { randomUUID } from 'node:crypto';
import type { ProcessingRequest, ProcessingResponse } from '@semcache/proto';
import { ExtProcConnection, type CloseMode } from '@semcache/testkit';

export type { CloseMode };

/** What the reply to the request body must be for the stream to count as a success. */
export type Expect = { kind: 'immediate'; cacheHeader: string } | { kind: 'continue' };

const MESSAGE_TIMEOUT_MS = 5000;
const hv = (key: string, value: string) => ({ key, raw_value: Buffer.from(value, 'latin1') });

/**
 * The request phase of an Envoy ext_proc stream, lean enough to load a server: request_headers, then the
 * buffered request_body, each awaiting its one reply, then the stream ends as Envoy ends it (reset, or
 * half-close with the graceful-close flag). Same transport as testkit's EnvoyClient (ExtProcConnection: one
 * HTTP/2 connection, reopened after a GOAWAY) and the same messages it sends for a cache hit; it adds no
 * upstream call, so a hit on the cache and a CONTINUE from the no-op server cost the client the same.
 */
export class ExtProcDriver {
  readonly #closeMode: CloseMode;
  readonly #connection: ExtProcConnection;
  /** Streams whose final gRPC status arrives after the reply; awaited by `settle`. */
  #statuses: Promise<string | null>[] = [];
  /** Connection-level failures (GOAWAY with an error, connection errors). */
  readonly connectionFailures: string[] = [];

  constructor(target: string, closeMode: CloseMode) {
    this.#closeMode = closeMode;
    this.#connection = new ExtProcConnection(target, (reason) => this.connectionFailures.push(reason));
  }

  /** One stream; null on success, else why it failed. */
  async stream(path: string, body: Buffer, expect: Expect): Promise<string | null> {
    const stream = this.#connection.open();
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
      void this.#connection.end(stream, this.#closeMode);
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

  /** GOAWAYs received, graceful ones included. */
  get goaways(): number {
    return this.#connection.goaways;
  }

  close(): void {
    this.#connection.close();
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
