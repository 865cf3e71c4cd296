import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { createAdminApp, type AdminToken } from '@semcache/admin-api';
import type { AdminConfig, CacheAdmin, CacheTransfer, Config } from '@semcache/shared';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export interface AdminApi {
  mount(app: Hono): void;
  /** Ends the live lookup streams, which would otherwise keep the HTTP server from closing. */
  stop(): void;
}

export function adminTokens(config: AdminConfig): AdminToken[] {
  return [
    ...config.readTokens.map((t) => ({ ...t, role: 'read' as const })),
    ...config.adminTokens.map((t) => ({ ...t, role: 'admin' as const })),
  ];
}

/** Who may scrape /metrics: nobody needs a token until some token exists, as for the API. */
export function metricsTokens(config: Pick<Config, 'admin' | 'metrics'>): AdminToken[] {
  if (!config.metrics.requireToken) return [];
  return [
    ...adminTokens(config.admin),
    ...config.metrics.tokens.map((token, i) => ({ name: `metrics-${i + 1}`, token, role: 'read' as const })),
  ];
}

/** The admin API under /api, with the tokens and limits of the config. */
export function adminApi(config: AdminConfig, admin: CacheAdmin, logger: Logger, transfer?: CacheTransfer): AdminApi {
  const shutdown = new AbortController();
  const app = createAdminApp({
    admin, logger, tokens: adminTokens(config), nearMissMargin: config.nearMissMargin, maxBodyBytes: config.maxBodyBytes,
    ...(transfer ? { transfer } : {}), maxImportBytes: config.maxImportBytes,
    allowedOrigins: config.allowedOrigins, shutdown: shutdown.signal,
  });
  return {
    mount: (host) => host.route('/', app),
    stop: () => shutdown.abort(),
  };
}

/**
 * Where the HTTP port may listen. Without any admin token the API has no authentication, so the port stays
 * on the loopback interface whatever was configured, and the log says so.
 */
export function httpListenHost(host: string, config: AdminConfig, logger: Logger): string {
  if (adminTokens(config).length > 0) return host;
  const bound = LOOPBACK.has(host) ? host : '127.0.0.1';
  logger.warn(
    { configuredHost: host, host: bound },
    `no admin token configured (ADMIN_TOKEN, ADMIN_READ_TOKEN): the admin API is unauthenticated, so the HTTP port listens on ${bound} only`,
  );
  return bound;
}
