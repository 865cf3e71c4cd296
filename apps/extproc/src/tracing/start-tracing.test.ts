import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import pino from 'pino';
import { loadConfig } from '../config/load-config.ts';
import { startTracing, tracesUrl } from './start-tracing.ts';

describe('startTracing', () => {
  it('is off unless OTEL_EXPORTER_OTLP_ENDPOINT (tracing.endpoint) is set: spans stay no-ops', () => {
    const config = loadConfig({}, {});
    assert.equal(config.tracing.endpoint, undefined);
    assert.equal(startTracing(config.tracing, pino({ level: 'silent' })), null);
    const span = trace.getTracer('t').startSpan('s');
    assert.equal(span.isRecording(), false);
    span.end();
  });

  it('reads the standard OTEL_ variables and rejects an endpoint that is not an http(s) URL', () => {
    const config = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'cache-eu' }, {});
    assert.deepEqual(config.tracing, { endpoint: 'http://collector:4318', serviceName: 'cache-eu' });
    assert.throws(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, {}), /tracing\.endpoint/);
  });

  it('appends the signal path to the base endpoint, as the OTLP exporter spec says', () => {
    assert.equal(tracesUrl('http://collector:4318'), 'http://collector:4318/v1/traces');
    assert.equal(tracesUrl('http://collector:4318/'), 'http://collector:4318/v1/traces');
    assert.equal(tracesUrl('https://gw.example/otel/'), 'https://gw.example/otel/v1/traces');
  });

  it('registers a recording tracer while on, and unregisters it on close', async () => {
    const tracing = startTracing({ endpoint: 'http://127.0.0.1:9', serviceName: 'x' }, pino({ level: 'silent' }));
    assert.ok(tracing);
    assert.equal(trace.getTracer('t').startSpan('s').isRecording(), true);
    await tracing.close();
    assert.equal(trace.getTracer('t').startSpan('s').isRecording(), false);
  });
});
