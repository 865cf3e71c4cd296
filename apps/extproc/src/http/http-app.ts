import { Hono } from 'hono';

export interface HttpAppDeps {
  /** Ready once the gRPC server is bound and not shutting down. */
  ready: () => boolean;
  /** Further routes (admin API, metrics, dashboard) mounted by the wiring. */
  mount?: (app: Hono) => void;
}

/** The process's HTTP side: probes here; the admin API, /metrics and the dashboard are mounted on it. */
export function createHttpApp(deps: HttpAppDeps): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => (deps.ready() ? c.json({ status: 'ready' }) : c.json({ status: 'not ready' }, 503)));
  deps.mount?.(app);
  return app;
}
