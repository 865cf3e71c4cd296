import http2 from 'node:http2';
import { GrpcH2Stream } from './grpc-h2-stream.ts';

export type CloseMode = 'reset' | 'half-close';

/** PEM material of an Envoy cluster's UpstreamTlsContext; without cert and key no client certificate is sent. */
export interface ClientTls {
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
  servername?: string;
}

/**
 * Our server ends each stream first and Node then closes the client's half with RST_STREAM(NO_ERROR). Envoy
 * takes those in its stride; Node's client would count them against its own rapid-reset limit.
 */
const UNLIMITED_RESETS = { streamResetBurst: 1e9, streamResetRate: 1e9 } as http2.ClientSessionOptions;
/** How long a reset-style end waits for the server's trailers, as Envoy resets only when the request ends. */
const RESET_GRACE_MS = 50;

/**
 * The HTTP/2 connection Envoy keeps to an ext_proc cluster: one for all streams, replaced after a GOAWAY
 * (streams in flight finish on the old one), and each stream ended the way Envoy ends it.
 */
export class ExtProcConnection {
  readonly #target: string;
  readonly #onFailure: (reason: string) => void;
  readonly #tls: ClientTls | undefined;
  #session: http2.ClientHttp2Session | null = null;
  /** GOAWAYs received, graceful ones included. */
  goaways = 0;

  constructor(target: string, onFailure: (reason: string) => void, tls?: ClientTls) {
    this.#target = target;
    this.#onFailure = onFailure;
    this.#tls = tls;
  }

  open(): GrpcH2Stream {
    return new GrpcH2Stream(this.#connection());
  }

  /**
   * Ends a stream as Envoy does: a reset after the request is over (the default), or a half-close when
   * the runtime flag `ext_proc_graceful_grpc_close` is on. Waiting for the server's trailers before a reset
   * also keeps Node's client from counting late frames as HTTP/2 "glitches" and dropping the connection.
   * Callers do not wait for it: the request is over when its last reply is in.
   */
  async end(stream: GrpcH2Stream, mode: CloseMode): Promise<void> {
    if (mode === 'half-close') {
      stream.halfClose();
      return;
    }
    await Promise.race([stream.status, new Promise((r) => setTimeout(r, RESET_GRACE_MS).unref())]);
    stream.reset();
  }

  close(): void {
    this.#session?.close();
    this.#session = null;
  }

  #connection(): http2.ClientHttp2Session {
    if (this.#session && !this.#session.closed && !this.#session.destroyed) return this.#session;
    const session = this.#tls
      ? http2.connect(`https://${this.#target}`, { ...UNLIMITED_RESETS, ...this.#tls })
      : http2.connect(`http://${this.#target}`, UNLIMITED_RESETS);
    session.on('error', (err) => this.#onFailure(`connection error: ${err.message}`));
    session.on('goaway', (code) => {
      this.goaways++;
      if (code !== http2.constants.NGHTTP2_NO_ERROR) this.#onFailure(`GOAWAY ${code}`);
      if (this.#session === session) this.#session = null;
    });
    session.on('close', () => {
      if (this.#session === session) this.#session = null;
    });
    this.#session = session;
    return session;
  }
}
