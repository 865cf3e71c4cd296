import { Hono } from 'hono';
import { hostGuard } from './host-guard.ts';

export interface HttpAppDeps {
  /** Ready once the gRPC server is bound and not shutting down. */
  ready: () => boolean;
  /** Host names served besides localhost and IP addresses. */
  allowedHosts: readonly string[];
  /** Further routes (admin API, metrics, dashboard) mounted by the wiring. */
  mount?: (app: Hono) => void;
}

/** The process's HTTP side: probes here; the admin API, /metrics and the dashboard are mounted on it. */
export function createHttpApp(deps: HttpAppDeps): Hono {
  const app = new Hono();
  app.use('*', hostGuard(deps.allowedHosts));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => (deps.ready() ? c.json({ status: 'ready' }) : c.json({ status: 'not ready' }, 503)));
  deps.mount?.(app);
  return app;
}
