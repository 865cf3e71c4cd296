import http2 from 'node:http2';
import { PROCESS_METHOD, processCodec, type ProcessingRequest, type ProcessingResponse } from '@semcache/proto';

const codec = processCodec();

export class StreamClosedError extends Error {}

/**
 * One ext_proc call over a raw HTTP/2 stream, so that it can end as Envoy's do: with RST_STREAM(CANCEL)
 * even after the server has sent its trailers (grpc-js's cancel() sends nothing at that point), or with a
 * half-close when Envoy's graceful-close flag is on.
 */
export class GrpcH2Stream {
  readonly #stream: http2.ClientHttp2Stream;
  readonly #replies: ProcessingResponse[] = [];
  readonly #waiters: { resolve: (r: ProcessingResponse) => void; reject: (e: Error) => void }[] = [];
  #buffer: Buffer = Buffer.alloc(0);
  #closed: Error | null = null;
  /** The gRPC status the server ended with (null if it never did). */
  readonly status: Promise<{ code: number; details: string } | null>;

  constructor(session: http2.ClientHttp2Session) {
    this.#stream = session.request({
      ':method': 'POST',
      ':path': PROCESS_METHOD,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    let headers: http2.IncomingHttpHeaders = {};
    this.status = new Promise((resolve) => {
      this.#stream.on('response', (h) => { headers = h; });
      this.#stream.on('trailers', (t) => {
        const code = Number(t['grpc-status'] ?? headers['grpc-status'] ?? 2);
        this.#close(new StreamClosedError(`ext_proc stream closed (${code} ${t['grpc-message'] ?? ''}) before the expected reply`));
        resolve({ code, details: String(t['grpc-message'] ?? '') });
      });
      this.#stream.on('close', () => {
        if (headers['grpc-status'] !== undefined) {
          resolve({ code: Number(headers['grpc-status']), details: String(headers['grpc-message'] ?? '') });
        }
        this.#close(new StreamClosedError(`ext_proc stream closed (rst ${this.#stream.rstCode ?? '?'}) before the expected reply`));
        resolve(null);
      });
    });
    this.#stream.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#stream.on('error', (err) => this.#close(err));
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    while (this.#buffer.length >= 5) {
      const len = this.#buffer.readUInt32BE(1);
      if (this.#buffer.length < 5 + len) return;
      const msg = codec.deserialize(this.#buffer.subarray(5, 5 + len));
      this.#buffer = this.#buffer.subarray(5 + len);
      const w = this.#waiters.shift();
      if (w) w.resolve(msg);
      else this.#replies.push(msg);
    }
  }

  #close(err: Error): void {
    this.#closed ??= err;
    for (const w of this.#waiters.splice(0)) w.reject(this.#closed);
  }

  send(msg: ProcessingRequest): void {
    const payload = codec.serialize(msg);
    const frame = Buffer.alloc(5 + payload.length);
    frame.writeUInt32BE(payload.length, 1);
    payload.copy(frame, 5);
    this.#stream.write(frame);
  }

  next(timeoutMs: number): Promise<ProcessingResponse> {
    const ready = this.#replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('message_timeout')), timeoutMs);
      this.#waiters.push({
        resolve: (r) => { clearTimeout(timer); resolve(r); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
    });
  }

  reset(): void {
    if (!this.#stream.closed) this.#stream.close(http2.constants.NGHTTP2_CANCEL);
  }

  halfClose(): void {
    if (!this.#stream.closed) this.#stream.end();
  }
}
