import type { Hono } from 'hono';
import type { Registry } from 'prom-client';
import { findToken, type AdminToken } from '@semcache/admin-api';

/**
 * `GET /metrics` in the Prometheus text format. With `tokens`, a bearer token among them is required:
 * label values name models and namespaces, and the figures tell who uses the cache how much.
 */
export function mountMetrics(app: Hono, registry: Registry, tokens: readonly AdminToken[] = []): void {
  app.get('/metrics', async (c) => {
    if (tokens.length > 0) {
      const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(c.req.header('authorization') ?? '');
      if (!match || !findToken(tokens, match[1]!)) {
        c.header('WWW-Authenticate', 'Bearer realm="semcache-metrics"');
        return c.json({ error: { code: 'unauthorized', message: 'a read, admin or metrics bearer token is required', field: null, issues: [] } }, 401);
      }
    }
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
  });
}
