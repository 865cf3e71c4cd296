import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { LookupResult } from '../cache/cache-engine.ts';
import { entryId } from '../cache/entry.ts';

/**
 * Spans go through the OpenTelemetry API alone: with no tracer provider registered (tracing off) its tracer
 * is a no-op, so the cache pays next to nothing for them.
 */
export const tracer = () => trace.getTracer('semcache');

/**
 * Runs `fn` in a child span of the active span, ended when `fn` returns or its promise settles. Without an
 * active span (work outside an ext_proc stream, such as the admin API's previews) it starts none: a root span
 * per guard check of a preview would flood the collector.
 */
export function inChildSpan<T>(name: string, fn: (span: Span | null) => T): T {
  if (!trace.getActiveSpan()) return fn(null);
  return tracer().startActiveSpan(name, (span) => {
    try {
      const out = fn(span);
      if (out instanceof Promise) {
        return out.then(
          (v) => { span.end(); return v; },
          (err: unknown) => { failed(span, err); throw err; },
        ) as T;
      }
      span.end();
      return out;
    } catch (err) {
      failed(span, err);
      throw err;
    }
  });
}

export function failed(span: Span, err: unknown): void {
  if (err instanceof Error) span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
  span.end();
}

/** What a lookup decided, as attributes of the stream's span. Prompts never go into a span. */
export function lookupAttributes(result: LookupResult): Attributes {
  const e = result.event;
  const out: Attributes = { 'semcache.namespace': e.namespace, 'semcache.outcome': e.outcome };
  if (result.kind === 'hit') {
    out['semcache.entry_id'] = entryId(result.entry.key);
    out['semcache.similarity'] = result.similarity;
  } else {
    if (e.candidateId !== null) out['semcache.candidate_id'] = e.candidateId;
    if (e.similarity !== null) out['semcache.similarity'] = e.similarity;
    if (e.reason !== null) out['semcache.reason'] = e.reason;
  }
  return out;
}
