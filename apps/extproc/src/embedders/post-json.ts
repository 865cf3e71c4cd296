import http from 'node:http';
import https from 'node:https';
import { EmbedderError } from './embedder.ts';

export interface PostJsonOptions {
  url: string;
  body: unknown;
  timeoutMs: number;
  headers?: Record<string, string>;
  /** Sent as the Host header; KServe's ingress gateway routes on it. fetch() cannot set Host. */
  host?: string;
  /** A longer answer is a bad response, and is not read further. */
  maxResponseBytes: number;
}

/** POST JSON, parse JSON; every failure is an EmbedderError with the kind the engine reports. */
export function postJson(opts: PostJsonOptions): Promise<unknown> {
  const url = new URL(opts.url);
  const payload = Buffer.from(JSON.stringify(opts.body));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(payload.length),
          accept: 'application/json',
          ...(opts.host ? { host: opts.host } : {}),
          ...opts.headers,
        },
        timeout: opts.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > opts.maxResponseBytes) req.destroy(new EmbedderError('bad-response', `embedding answer larger than ${opts.maxResponseBytes} bytes`));
          else chunks.push(c);
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) {
            reject(new EmbedderError('unavailable', `embedder answered HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
            return;
          }
          try {
            resolve(JSON.parse(text));
          } catch (err) {
            reject(new EmbedderError('bad-response', 'embedder answered invalid JSON', { cause: err }));
          }
        });
        res.on('error', (err) => reject(new EmbedderError('unavailable', err.message, { cause: err })));
      },
    );
    // The socket timeout covers idle time; this one bounds the whole call, as Envoy's message timeout does.
    const deadline = setTimeout(() => req.destroy(new EmbedderError('timeout', `embedder did not answer in ${opts.timeoutMs} ms`)), opts.timeoutMs);
    req.on('timeout', () => req.destroy(new EmbedderError('timeout', `embedder did not answer in ${opts.timeoutMs} ms`)));
    req.on('error', (err) => reject(err instanceof EmbedderError ? err : new EmbedderError('unavailable', err.message, { cause: err })));
    req.on('close', () => clearTimeout(deadline));
    req.end(payload);
  });
}

/** Checks and normalises a list of vectors from an embedder's answer. */
export function toVectors(rows: unknown, expected: number, dimensions?: number): Float32Array[] {
  if (!Array.isArray(rows) || rows.length !== expected) {
    throw new EmbedderError('bad-response', `expected ${expected} embeddings, got ${Array.isArray(rows) ? rows.length : typeof rows}`);
  }
  return rows.map((row) => {
    if (!Array.isArray(row) || row.length === 0 || !row.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new EmbedderError('bad-response', 'an embedding is not a list of numbers');
    }
    if (dimensions !== undefined && row.length !== dimensions) {
      throw new EmbedderError('bad-response', `embedding has ${row.length} dimensions, expected ${dimensions}`);
    }
    return Float32Array.from(row as number[]);
  });
}
