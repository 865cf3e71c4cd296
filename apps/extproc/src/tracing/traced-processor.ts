import { context, propagation, ROOT_CONTEXT, SpanKind, trace, type Context, type Span, type TextMapGetter } from '@opentelemetry/api';
import type { HttpBody, HttpHeaders } from '@semcache/proto';
import { readHeaders } from '../grpc/headers.ts';
import type { StreamProcessor } from '../grpc/processor.ts';
import type { Reply } from '../grpc/replies.ts';
import { failed, tracer } from './spans.ts';

const headerGetter: TextMapGetter<Map<string, string>> = {
  get: (carrier, key) => carrier.get(key),
  keys: (carrier) => [...carrier.keys()],
};

/**
 * One span per ext_proc stream, continuing the W3C trace context (traceparent, tracestate) of the request
 * that Envoy forwards. Every phase runs inside it, so the cache's own spans (embedding, search, guard,
 * store) become its children.
 */
export class TracedProcessor implements StreamProcessor {
  readonly #inner: StreamProcessor;
  #span: Span | null = null;
  #context: Context = ROOT_CONTEXT;

  constructor(inner: StreamProcessor) {
    this.#inner = inner;
  }

  requestHeaders(msg: HttpHeaders): Reply | Promise<Reply> {
    const h = readHeaders(msg.headers);
    const parent = propagation.extract(ROOT_CONTEXT, h, headerGetter);
    // The path without its query: a query string may carry keys.
    const path = (h.get(':path') ?? '').split('?')[0]!;
    this.#span = tracer().startSpan('semcache ext_proc', {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': h.get(':method') ?? '', 'url.path': path },
    }, parent);
    this.#context = trace.setSpan(parent, this.#span);
    return this.#run(() => this.#inner.requestHeaders(msg));
  }

  requestBody(msg: HttpBody): Reply | Promise<Reply> {
    return this.#run(() => this.#inner.requestBody(msg));
  }

  responseHeaders(msg: HttpHeaders): Reply | Promise<Reply> {
    return this.#run(() => this.#inner.responseHeaders(msg));
  }

  responseBody(msg: HttpBody): Reply | Promise<Reply> {
    return this.#run(() => this.#inner.responseBody(msg));
  }

  abandoned(): void {
    this.#span?.setAttribute('semcache.abandoned', true);
    context.with(this.#context, () => this.#inner.abandoned?.());
  }

  finished(): void {
    this.#span?.end();
    this.#span = null;
    this.#inner.finished?.();
  }

  #run(phase: () => Reply | Promise<Reply>): Reply | Promise<Reply> {
    try {
      const reply = context.with(this.#context, phase);
      if (reply instanceof Promise) return reply.catch((err: unknown) => this.#failed(err));
      return reply;
    } catch (err) {
      return this.#failed(err);
    }
  }

  /** The stream loop turns the rest of the stream into a pass-through: the span ends here, marked failed. */
  #failed(err: unknown): never {
    if (this.#span) failed(this.#span, err);
    this.#span = null;
    throw err;
  }
}
