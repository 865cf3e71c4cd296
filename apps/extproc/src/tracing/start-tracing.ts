import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { loggingErrorHandler, setGlobalErrorHandler, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Config } from '@semcache/shared';
import type { Logger } from 'pino';

export interface Tracing {
  /** Sends the spans still queued, then unregisters everything, so that a later server in this process starts clean. */
  close(): Promise<void>;
}

/** Bounds how long a shutdown waits for an unreachable collector (the SDK's defaults add up to 30 s). */
const EXPORT_TIMEOUT_MS = 2_000;

/** The OTLP/HTTP traces path under a base endpoint, as OTEL_EXPORTER_OTLP_ENDPOINT is defined. */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Registers the OpenTelemetry SDK globally when a collector is configured; null (and nothing registered, so
 * every span is a no-op) otherwise. Spans are batched and sent off the request path: a slow or absent
 * collector loses spans (the batch queue is bounded), never a request.
 */
export function startTracing(cfg: Config['tracing'], logger: Logger): Tracing | null {
  if (!cfg.endpoint) return null;
  const seen = new Set<string>();
  // A collector that is down fails every batch: say so once per kind of failure, not every few seconds.
  const report = (err: unknown): void => {
    const reason = errorReason(err);
    if (seen.has(reason)) return;
    seen.add(reason);
    logger.warn({ err, reason, endpoint: tracesUrl(cfg.endpoint!) }, 'could not send spans to the OTLP collector (logged once per reason); requests are not affected');
  };
  setGlobalErrorHandler(report);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': cfg.serviceName }),
    spanProcessors: [new BatchSpanProcessor({
      exporter: new OTLPTraceExporter({ url: tracesUrl(cfg.endpoint), timeoutMillis: EXPORT_TIMEOUT_MS }),
      exportTimeoutMillis: EXPORT_TIMEOUT_MS,
    })],
  });
  // Context must follow the awaits between a stream's phases and the embedder call inside them.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    async close() {
      try {
        await provider.shutdown();
      } catch (err) {
        report(err);
      } finally {
        trace.disable();
        propagation.disable();
        context.disable();
        setGlobalErrorHandler(loggingErrorHandler());
      }
    },
  };
}

function errorReason(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.name : 'unknown';
}
