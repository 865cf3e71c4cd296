import type { Hono } from 'hono';
import type { Registry } from 'prom-client';

/** `GET /metrics` in the Prometheus text format. */
export function mountMetrics(app: Hono, registry: Registry): void {
  app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }));
}
