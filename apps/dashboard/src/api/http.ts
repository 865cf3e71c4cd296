import { WRITE_HEADER } from '@semcache/shared/write-header';
import { ApiError, kindOfStatus, messageOfBody } from './api-error.ts';
import { SseParser, type SseMessage } from './sse-parser.ts';

export type Query = Record<string, string | number | boolean | undefined>;

export interface HttpOptions {
  /** Where the admin API is mounted, e.g. `/api` (same origin as the dashboard). */
  baseUrl: string;
  token: () => string | null;
  fetch?: typeof fetch;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Sent as it is (a file), instead of `body` as JSON. */
  file?: { data: Blob; contentType: string };
  signal?: AbortSignal;
}

/** Bearer-authenticated JSON over fetch; every failure becomes an `ApiError` with a kind the UI can explain. */
export class Http {
  readonly #opts: HttpOptions;

  constructor(opts: HttpOptions) {
    this.#opts = opts;
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', [WRITE_HEADER]: 'semcache-dashboard', ...this.#auth() };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.file) headers['content-type'] = opts.file.contentType;
    const res = await this.#fetch(this.url(path, opts.query), {
      method,
      headers,
      body: opts.file?.data ?? (opts.body === undefined ? null : JSON.stringify(opts.body)),
      signal: opts.signal ?? null,
    });
    if (res.status === 204) return undefined as T;
    const body = await readJson(res);
    if (!res.ok) throw new ApiError(kindOfStatus(res.status), messageOfBody(body, `${res.status} ${res.statusText}`.trim()), res.status);
    return body as T;
  }

  /** A GET whose answer is a file, not JSON. */
  async download(path: string, query: Query = {}): Promise<Blob> {
    const res = await this.#fetch(this.url(path, query), { headers: this.#auth() });
    if (!res.ok) {
      const body = await readJson(res);
      throw new ApiError(kindOfStatus(res.status), messageOfBody(body, `${res.status} ${res.statusText}`.trim()), res.status);
    }
    return res.blob();
  }

  /**
   * Reads a server-sent event stream until it ends or `signal` aborts; resolves when the server closes it.
   * `onOpen` runs with the first bytes: the server is subscribed by then, so nothing sent after it is lost.
   */
  async stream(path: string, query: Query, onMessage: (msg: SseMessage) => void, signal: AbortSignal, onOpen?: () => void): Promise<void> {
    const res = await this.#fetch(this.url(path, query), { headers: { accept: 'text/event-stream', ...this.#auth() }, signal });
    if (!res.ok || !res.body) {
      const body = await readJson(res);
      throw new ApiError(kindOfStatus(res.status), messageOfBody(body, `${res.status} ${res.statusText}`.trim()), res.status);
    }
    const parser = new SseParser();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        onOpen?.();
        onOpen = undefined;
        for (const msg of parser.push(value)) onMessage(msg);
      }
    } catch (err) {
      if (signal.aborted) return;
      throw new ApiError('down', `live stream broke: ${(err as Error).message}`);
    } finally {
      reader.releaseLock();
    }
  }

  url(path: string, query: Query = {}): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
    const qs = params.toString();
    return `${this.#opts.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  #auth(): Record<string, string> {
    const token = this.#opts.token();
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  async #fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await (this.#opts.fetch ?? fetch)(url, init);
    } catch (err) {
      if (init.signal?.aborted) throw err;
      throw new ApiError('down', `no answer from ${url} (${(err as Error).message})`);
    }
  }
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text().catch(() => '');
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.length < 200 ? text : null;
  }
}
