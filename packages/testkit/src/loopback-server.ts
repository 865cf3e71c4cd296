import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP server for tests on 127.0.0.1 and a free port: fakes of the model and of embedding servers. */
export abstract class LoopbackServer {
  #server: http.Server | null = null;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;

  /** How long an idle keep-alive connection stays open, exactly (Node's 1 s grace dropped), as a model server's would. */
  async start(opts: { keepAliveTimeoutMs?: number } = {}): Promise<this> {
    const keepAlive = opts.keepAliveTimeoutMs === undefined ? {} : { keepAliveTimeout: opts.keepAliveTimeoutMs, keepAliveTimeoutBuffer: 0 };
    const server = http.createServer(keepAlive, (req, res) => void this.handle(req, res));
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts);
}
