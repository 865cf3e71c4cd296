import type { Config } from '@semcache/shared';
import type { HttpBody, HttpHeaders } from '@semcache/proto';
import type { Logger } from 'pino';
import type { CacheEngine, CacheMode, LookupResult, PendingStore } from '../cache/cache-engine.ts';
import type { EndpointSpec } from '../endpoints/endpoint-spec.ts';
import { fingerprint } from '../endpoints/fingerprint.ts';
import { routeEndpoint } from '../endpoints/route.ts';
import { readHeaders, setHeader } from './headers.ts';
import { hitReply } from './hit-response.ts';
import type { StreamProcessor } from './processor.ts';
import { continueReply, SKIP_ALL, SKIP_RESPONSE_BODY, type Reply } from './replies.ts';
import { readStorableAnswer } from './storable-answer.ts';

export interface CacheProcessorDeps {
  engine: CacheEngine;
  config: Pick<Config, 'pathPrefixes' | 'tenantHeader' | 'maxEntryBytes' | 'maxPromptChars'>;
  logger: Logger;
}

export const CONTROL_HEADER = 'x-semantic-cache';

const MODES: Record<string, CacheMode> = { bypass: 'bypass', 'no-store': 'no-store', refresh: 'refresh' };
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The generic cache processor: one per request. Endpoint differences live in the EndpointSpec; what to do
 * with the cache lives in the engine. This class only maps the four ext_proc phases onto them.
 */
export class CacheProcessor implements StreamProcessor {
  readonly #deps: CacheProcessorDeps;
  #spec: EndpointSpec | null = null;
  #mode: CacheMode = 'normal';
  #tenant: string | null = null;
  #requestChunks: Buffer[] = [];
  #miss: Extract<LookupResult, { kind: 'miss' }> | null = null;
  #pending: PendingStore | null = null;
  #responseChunks: Buffer[] = [];
  #responseBytes = 0;
  #contentType = '';

  constructor(deps: CacheProcessorDeps) {
    this.#deps = deps;
  }

  requestHeaders(msg: HttpHeaders): Reply {
    const h = readHeaders(msg.headers);
    this.#spec = routeEndpoint(h.get(':method') ?? '', h.get(':path') ?? '', this.#deps.config.pathPrefixes);
    if (!this.#spec || msg.end_of_stream) return continueReply('request_headers', { modeOverride: SKIP_ALL, done: true });
    this.#mode = MODES[(h.get(CONTROL_HEADER) ?? '').trim().toLowerCase()] ?? 'normal';
    const { tenantHeader } = this.#deps.config;
    this.#tenant = tenantHeader ? (h.get(tenantHeader) ?? null) : null;
    // A gzip answer could not be stored; our control header is for us, not for the model.
    return continueReply('request_headers', { remove: ['accept-encoding', CONTROL_HEADER] });
  }

  async requestBody(msg: HttpBody): Promise<Reply> {
    if (msg.body?.length) this.#requestChunks.push(Buffer.from(msg.body));
    if (!msg.end_of_stream || !this.#spec) return continueReply('request_body');
    const body = Buffer.concat(this.#requestChunks);
    this.#requestChunks = [];
    const parsed = this.#parse(this.#spec, body);
    if (!parsed) return continueReply('request_body');
    const result = await this.#deps.engine.lookup({
      partition: { model: parsed.model, tenant: this.#tenant },
      endpoint: this.#spec.kind,
      prompt: parsed.prompt,
      fingerprint: fingerprint(this.#spec.kind, parsed.context),
      mode: this.#mode,
    });
    if (result.kind === 'hit') return hitReply(result.outcome, result.entry, result.similarity, this.#deps.engine.now());
    this.#miss = result;
    this.#pending = result.pending;
    return continueReply('request_body');
  }

  responseHeaders(msg: HttpHeaders): Reply {
    if (!this.#miss) return continueReply('response_headers', { modeOverride: SKIP_RESPONSE_BODY, done: true });
    const h = readHeaders(msg.headers);
    const set = [setHeader(CONTROL_HEADER, this.#miss.outcome === 'bypass' ? 'bypass' : 'miss')];
    const status = Number(h.get(':status'));
    this.#contentType = h.get('content-type') ?? '';
    const encoding = (h.get('content-encoding') ?? 'identity').toLowerCase();
    const storable = this.#pending !== null && status >= 200 && status < 300 && /\bjson\b/i.test(this.#contentType)
      && encoding === 'identity' && !msg.end_of_stream;
    if (!storable) return continueReply('response_headers', { set, modeOverride: SKIP_RESPONSE_BODY, done: true });
    return continueReply('response_headers', { set });
  }

  responseBody(msg: HttpBody): Reply {
    if (msg.body?.length && this.#pending) {
      this.#responseBytes += msg.body.length;
      if (this.#responseBytes > this.#deps.config.maxEntryBytes) {
        this.#pending = null;
        this.#responseChunks = [];
      } else {
        this.#responseChunks.push(Buffer.from(msg.body));
      }
    }
    if (!msg.end_of_stream) return continueReply('response_body');
    if (this.#pending) this.#store(this.#pending, Buffer.concat(this.#responseChunks));
    return continueReply('response_body', { done: true });
  }

  #parse(spec: EndpointSpec, body: Buffer): { model: string; prompt: string; context: unknown } | null {
    let json: unknown;
    try {
      json = JSON.parse(utf8.decode(body));
    } catch {
      return null;
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) return null;
    const parsed = spec.parse(json as Record<string, unknown>);
    if (!parsed.ok || parsed.request.prompt.length > this.#deps.config.maxPromptChars) return null;
    return parsed.request;
  }

  #store(pending: PendingStore, body: Buffer): void {
    const answer = readStorableAnswer(body, this.#contentType);
    if (!answer) return;
    try {
      this.#deps.engine.store(pending, answer);
    } catch (err) {
      this.#deps.logger.warn({ err, namespace: pending.namespace }, 'could not store answer');
    }
  }
}
