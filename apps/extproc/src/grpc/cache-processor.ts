import { trace } from '@opentelemetry/api';
import type { Config } from '@semcache/shared';
import type { HttpBody, HttpHeaders } from '@semcache/proto';
import type { Logger } from 'pino';
import type { AnswerCapture, UnstoredReason } from '../answers/answer-capture.ts';
import { chooseCapture } from '../answers/choose-capture.ts';
import { readReplayOptions, renderAnswer, type ReplayOptions } from '../answers/replay.ts';
import type { BurstLookup } from '../cache/burst-lookup.ts';
import type { CacheEngine, CacheMode, LookupResult, PendingStore, StoredAnswer } from '../cache/cache-engine.ts';
import { entryId } from '../cache/entry.ts';
import { NO_FRESHNESS, parseCacheControl, parseTtl, type FreshnessRequest } from '../cache/freshness.ts';
import { parseTags, type BadTags } from '../cache/tags.ts';
import type { CacheableRequest, EndpointSpec } from '../endpoints/endpoint-spec.ts';
import { fingerprint } from '../endpoints/fingerprint.ts';
import { nestsDeeperThan } from '../endpoints/json-depth.ts';
import { routeEndpoint } from '../endpoints/route.ts';
import { routeIdentity } from '../endpoints/route-identity.ts';
import type { OnlineCheck } from '../online/check-answer.ts';
import { inChildSpan, lookupAttributes } from '../tracing/spans.ts';
import { contentLengthOf, readHeaders, setHeader } from './headers.ts';
import { hitReply, onlyIfCachedReply, TTL_HEADER } from './hit-response.ts';
import type { StreamProcessor } from './processor.ts';
import { BUFFER_RESPONSE_BODY, continueReply, SKIP_ALL, SKIP_RESPONSE_BODY, STREAM_RESPONSE_BODY, type Reply } from './replies.ts';
import { tokenReport } from './token-usage.ts';

export interface CacheProcessorDeps {
  engine: CacheEngine;
  /** Lookups through it: concurrent identical misses wait for one model call. */
  burst: BurstLookup;
  config: Pick<Config, 'pathPrefixes' | 'endpoints' | 'tenantHeader' | 'tenant' | 'route' | 'maxEntryBytes' | 'maxPromptChars' | 'streaming' | 'tokenUsage' | 'tags'> & {
    grpc: Pick<Config['grpc'], 'maxReceiveMessageBytes'>;
  };
  logger: Logger;
  /** An answer the cache was asked to keep and did not (metrics). */
  onStoreSkipped?: (reason: UnstoredReason | 'namespace-unavailable' | 'error') => void;
  /** A request on a cacheable path that the cache cannot use (metrics, and the first of each reason logged). */
  onUncacheable?: (reason: string) => void;
  /** A tags header ignored as malformed (the request goes on as if it had none). */
  onBadTags?: (reason: BadTags) => void;
}

/** Far above what any request needs (tool schemas nest a few levels); bounds every walk of the body. */
const MAX_JSON_DEPTH = 64;

export const CONTROL_HEADER = 'x-semantic-cache';

const MODES: Record<string, CacheMode> = { bypass: 'bypass', 'no-store': 'no-store', refresh: 'refresh' };
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A request that went on to the model: how to label its response, and where to store the answer (if at all). */
interface Forwarded {
  label: 'miss' | 'bypass' | 'verify';
  pending: PendingStore | null;
  /** An explored would-be hit: the answer is compared with this candidate's. */
  check?: OnlineCheck;
}

/**
 * The generic cache processor: one per request. Endpoint differences live in the EndpointSpec, what to do
 * with the cache in the engine, how answers are read and replayed in answers/. This class only maps the four
 * ext_proc phases onto them.
 */
export class CacheProcessor implements StreamProcessor {
  readonly #deps: CacheProcessorDeps;
  #spec: EndpointSpec | null = null;
  #mode: CacheMode = 'normal';
  #freshness: FreshnessRequest = NO_FRESHNESS;
  /** Lets requests waiting for this one's answer go on; called once the answer is stored or known not to be. */
  #release: () => void = () => {};
  #tenant: string | null = null;
  /** Values of the request headers the endpoint's answers depend on (its API version and betas); null when none. */
  #contextHeaders: Record<string, string | null> | null = null;
  #route: string | null = null;
  #tags: string[] = [];
  #requestChunks: Buffer[] = [];
  #requestBytes = 0;
  #requestEnded = false;
  #forwarded: Forwarded | null = null;
  #capture: AnswerCapture | null = null;

  constructor(deps: CacheProcessorDeps) {
    this.#deps = deps;
  }

  requestHeaders(msg: HttpHeaders): Reply {
    const h = readHeaders(msg.headers);
    this.#spec = routeEndpoint(h.get(':method') ?? '', h.get(':path') ?? '', this.#deps.config.pathPrefixes, this.#deps.config.endpoints);
    if (!this.#spec || msg.end_of_stream) return continueReply('request_headers', { modeOverride: SKIP_ALL, done: true });
    this.#mode = MODES[(h.get(CONTROL_HEADER) ?? '').trim().toLowerCase()] ?? 'normal';
    this.#freshness = { ...parseCacheControl(h.get('cache-control')), ttlSeconds: parseTtl(h.get(TTL_HEADER)) };
    this.#route = routeIdentity(h, this.#spec.path, this.#deps.config.route);
    const names = this.#spec.contextHeaders ?? [];
    this.#contextHeaders = names.length === 0 ? null : Object.fromEntries(names.map((n) => [n, h.get(n) ?? null]));
    const tagsHeader = this.#deps.config.tags.header;
    const tags = parseTags(h.get(tagsHeader), this.#deps.config.tags);
    if ('bad' in tags) this.#deps.onBadTags?.(tags.bad);
    else this.#tags = tags.tags;
    const { tenantHeader, tenant } = this.#deps.config;
    this.#tenant = tenantHeader ? (h.get(tenantHeader) || null) : null;
    // Without its tenant a request could read or fill the answers meant for requests without one.
    if (tenantHeader && this.#tenant === null && tenant.required) {
      this.#forwarded = { label: 'bypass', pending: null };
      this.#deps.onUncacheable?.('no-tenant');
    }
    // A gzip answer could not be stored; our control headers are for us, not for the model.
    return continueReply('request_headers', { remove: ['accept-encoding', CONTROL_HEADER, TTL_HEADER, tagsHeader] });
  }

  async requestBody(msg: HttpBody): Promise<Reply> {
    if (this.#forwarded) return continueReply('request_body');
    if (msg.body?.length) this.#collect(msg.body);
    if (!msg.end_of_stream || !this.#spec) return continueReply('request_body');
    this.#requestEnded = true;
    if (this.#requestBytes > this.#deps.config.grpc.maxReceiveMessageBytes) {
      this.#deps.onUncacheable?.('too-large');
      return continueReply('request_body');
    }
    const body = Buffer.concat(this.#requestChunks);
    this.#requestChunks = [];
    const parsed = this.#parse(this.#spec, body);
    if ('uncacheable' in parsed) {
      this.#deps.onUncacheable?.(parsed.uncacheable);
      return continueReply('request_body');
    }
    const { result, release } = await this.#deps.burst.lookup({
      partition: { model: parsed.request.model, tenant: this.#tenant, route: this.#route },
      endpoint: this.#spec.kind,
      prompt: parsed.request.prompt,
      fingerprint: this.#fingerprint(this.#spec, parsed.request),
      ...(parsed.request.exactOnly ? { exactOnly: true } : {}),
      mode: this.#mode,
      freshness: this.#freshness,
      deterministic: parsed.deterministic,
      tags: this.#tags,
    });
    trace.getActiveSpan()?.setAttributes(lookupAttributes(result));
    this.#release = release;
    if (result.kind === 'hit') {
      const reply = this.#hit(result, parsed.replay);
      if (reply) return reply;
      this.#forwarded = { label: 'miss', pending: null };
      return continueReply('request_body');
    }
    if (result.onlyIfCached) {
      this.#releaseWaiters();
      return onlyIfCachedReply();
    }
    this.#forwarded = result.check
      ? { label: 'verify', pending: result.pending, check: result.check }
      : { label: result.outcome === 'bypass' ? 'bypass' : 'miss', pending: result.pending };
    return continueReply('request_body');
  }

  responseHeaders(msg: HttpHeaders): Reply {
    if (this.#requestBytes > 0 && !this.#forwarded && !this.#requestEnded) {
      // Under BUFFERED_PARTIAL a body past Envoy's buffer comes as its first part only; the rest went on unseen.
      this.#requestChunks = [];
      this.#deps.onUncacheable?.('too-large');
    }
    const forwarded = this.#forwarded;
    if (!forwarded || !this.#spec) return continueReply('response_headers', { modeOverride: SKIP_RESPONSE_BODY, done: true });
    const h = readHeaders(msg.headers);
    const set = [setHeader(CONTROL_HEADER, forwarded.label)];
    const capture = chooseCapture({
      status: Number(h.get(':status')),
      contentType: h.get('content-type') ?? '',
      contentEncoding: h.get('content-encoding') ?? 'identity',
      endOfStream: msg.end_of_stream === true,
      contentLength: contentLengthOf(h.get('content-length')),
    }, this.#spec.kind, this.#deps.config.maxEntryBytes);
    if (typeof capture === 'string') {
      if (forwarded.pending) this.#deps.onStoreSkipped?.(capture);
      this.#releaseWaiters();
    } else if (forwarded.pending?.ttlSeconds) {
      set.push(setHeader(TTL_HEADER, String(forwarded.pending.ttlSeconds)));
    }
    // The body is worth reading to store it, or for its token usage.
    if (typeof capture === 'string' || (!forwarded.pending && !this.#deps.config.tokenUsage.enabled)) {
      return continueReply('response_headers', { set, modeOverride: SKIP_RESPONSE_BODY, done: true });
    }
    this.#capture = capture;
    // Buffering an SSE answer would hold it back from the client until its end, and could overflow Envoy's buffer.
    return continueReply('response_headers', { set, modeOverride: capture.streamed ? STREAM_RESPONSE_BODY : BUFFER_RESPONSE_BODY });
  }

  responseBody(msg: HttpBody): Reply {
    const capture = this.#capture;
    if (!capture) return continueReply('response_body', { done: msg.end_of_stream === true });
    if (msg.body?.length) capture.push(msg.body);
    if (!msg.end_of_stream && capture.streamed) return continueReply('response_body');
    this.#capture = null;
    if (!msg.end_of_stream) {
      // A buffered body comes without its end only when it outgrew Envoy's buffer; the rest passes unseen.
      if (this.#forwarded?.pending) this.#skipped(this.#forwarded.pending, 'too-large');
      return continueReply('response_body', { done: true });
    }
    const result = capture.finish();
    const pending = this.#forwarded?.pending ?? null;
    const check = this.#forwarded?.check;
    // After the reply: indexing a new entry (up to a millisecond in a large namespace) never delays the answer.
    if (pending && result.answer && check) setImmediate(() => void this.#check(check, pending, result.answer!));
    else if (pending && result.answer) setImmediate(() => this.#store(pending, result.answer!));
    else if (pending) this.#skipped(pending, result.reason ?? 'not-an-answer');
    const tokens = tokenReport(this.#deps.config.tokenUsage, result.usage ? { kind: 'miss', consumed: result.usage } : null);
    // The headers of a STREAMED response left with its first chunk: only metadata can still reach Envoy.
    return continueReply('response_body', { set: capture.streamed ? [] : tokens.headers, dynamicMetadata: tokens.metadata, done: true });
  }

  abandoned(): void {
    // A stream cut short (client gone, upstream reset) never reaches end_of_stream: nothing to store.
    if (this.#capture && this.#forwarded?.pending) this.#skipped(this.#forwarded.pending, 'incomplete');
    this.#capture = null;
    this.#requestChunks = [];
    this.#releaseWaiters();
  }

  #releaseWaiters(): void {
    const release = this.#release;
    this.#release = () => {};
    release();
  }

  /**
   * A STREAMED request body arrives in chunks, each within the gRPC message limit but with no bound on their
   * sum: past the largest body a BUFFERED request may have, the rest is only counted, not kept.
   */
  #collect(chunk: Uint8Array): void {
    this.#requestBytes += chunk.length;
    if (this.#requestBytes <= this.#deps.config.grpc.maxReceiveMessageBytes) this.#requestChunks.push(Buffer.from(chunk));
    else this.#requestChunks = [];
  }

  #hit(result: Extract<LookupResult, { kind: 'hit' }>, replay: ReplayOptions): Reply | null {
    const { entry } = result;
    const answer = renderAnswer({ endpoint: entry.endpoint, response: entry.response, contentType: entry.contentType }, replay);
    if (!answer) {
      this.#deps.logger.warn({ namespace: entry.namespace }, 'cached answer cannot be replayed; asking the model');
      return null;
    }
    return hitReply({
      outcome: result.outcome,
      entry,
      similarity: result.similarity,
      answer,
      tokens: tokenReport(this.#deps.config.tokenUsage, { kind: 'hit', saved: entry.usage?.totalTokens ?? null }),
      now: this.#deps.engine.now(),
    });
  }

  #fingerprint(spec: EndpointSpec, request: CacheableRequest): string {
    const context = this.#deps.config.streaming.fingerprintStream ? { context: request.context, stream: request.stream } : request.context;
    return fingerprint(spec.kind, this.#contextHeaders ? { context, headers: this.#contextHeaders } : context);
  }

  #parse(spec: EndpointSpec, body: Buffer): { request: CacheableRequest; replay: ReplayOptions; deterministic: boolean } | { uncacheable: string } {
    let json: unknown;
    try {
      json = JSON.parse(utf8.decode(body));
    } catch {
      return { uncacheable: 'invalid-json' };
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) return { uncacheable: 'not-an-object' };
    if (nestsDeeperThan(json, MAX_JSON_DEPTH)) return { uncacheable: 'too-deep' };
    const parsed = spec.parse(json as Record<string, unknown>);
    if (!parsed.ok) return { uncacheable: parsed.reason };
    if (parsed.request.prompt.length > this.#deps.config.maxPromptChars) return { uncacheable: 'prompt-too-long' };
    return {
      request: parsed.request,
      replay: readReplayOptions(spec.kind, json as Record<string, unknown>),
      deterministic: (json as Record<string, unknown>).temperature === 0,
    };
  }

  #store(pending: PendingStore, answer: StoredAnswer): void {
    try {
      const entry = inChildSpan('semcache.store', (span) => {
        const stored = this.#deps.engine.store(pending, answer);
        if (stored) span?.setAttribute('semcache.entry_id', entryId(stored.key));
        return stored;
      });
      if (!entry) this.#skipped(pending, 'namespace-unavailable');
    } catch (err) {
      this.#deps.logger.warn({ err, namespace: pending.namespace }, 'could not store answer');
      this.#deps.onStoreSkipped?.('error');
    } finally {
      this.#releaseWaiters();
    }
  }

  /** An explored request's answer against its candidate's; any failure there only loses the finding. */
  async #check(check: OnlineCheck, pending: PendingStore, answer: StoredAnswer): Promise<void> {
    try {
      await this.#deps.engine.check(check, pending, answer);
    } catch (err) {
      this.#deps.logger.warn({ err, namespace: pending.namespace }, 'could not check the cached answer');
      this.#deps.onStoreSkipped?.('error');
    } finally {
      this.#releaseWaiters();
    }
  }

  #skipped(pending: PendingStore, reason: UnstoredReason | 'namespace-unavailable'): void {
    this.#deps.logger.debug({ namespace: pending.namespace, reason }, 'answer not stored');
    this.#deps.onStoreSkipped?.(reason);
    this.#releaseWaiters();
  }
}
