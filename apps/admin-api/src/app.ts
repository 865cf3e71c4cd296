import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { registerAnalytics } from './analytics/analytics.handlers.ts';
import { bearerAuth } from './auth/bearer-auth.ts';
import { writeGuard } from './auth/write-guard.ts';
import type { AdminDeps, AdminEnv, FeatureDeps } from './deps.ts';
import { registerEntries } from './entries/entries.handlers.ts';
import { errorBody, errorHandler, validationHook } from './errors.ts';
import { registerInvalidation } from './invalidation/invalidation.handlers.ts';
import { registerLabels } from './labels/labels.handlers.ts';
import { registerLookups } from './lookups/lookups.handlers.ts';
import { registerNamespaces } from './namespaces/namespaces.handlers.ts';
import { registerProbe } from './probe/probe.handlers.ts';
import { registerTransfer } from './transfer/transfer.handlers.ts';

export const API_PREFIX = '/api';
const DEFAULT_NEAR_MISS_MARGIN = 0.1;
const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
const DEFAULT_MAX_IMPORT_BYTES = 1024 * 1024 * 1024;
/** The import streams its body and counts it against its own limit. */
const IMPORT_PATH = new RegExp(`^${API_PREFIX}/namespaces/[^/]+/import$`);

/**
 * The admin API, every route under `/api`: mount it on any Hono app with `app.route('/', createAdminApp(...))`.
 * The OpenAPI document (`/api/openapi.json`) needs no token: it describes the API and holds no data.
 */
export function createAdminApp(deps: AdminDeps): OpenAPIHono<AdminEnv> {
  const features: FeatureDeps = {
    admin: deps.admin,
    logger: deps.logger,
    nearMissMargin: deps.nearMissMargin ?? DEFAULT_NEAR_MISS_MARGIN,
  };
  const api = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });
  api.onError(errorHandler(deps.logger));
  const limit = bodyLimit({
    maxSize: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    onError: () => { throw new HTTPException(413); },
  });
  api.use('*', (c, next) => (c.req.method === 'POST' && IMPORT_PATH.test(c.req.path) ? next() : limit(c, next)));
  // Before authentication: with no token configured, a forged request would otherwise pass as the local operator.
  api.use('*', writeGuard(deps.allowedOrigins));
  api.use('*', bearerAuth(deps.tokens));
  registerNamespaces(api, features);
  registerEntries(api, features);
  registerInvalidation(api, features);
  registerProbe(api, features);
  registerLookups(api, features, { shutdown: deps.shutdown });
  registerAnalytics(api, features);
  registerLabels(api, features);
  if (deps.transfer) registerTransfer(api, features, { transfer: deps.transfer, maxImportBytes: deps.maxImportBytes ?? DEFAULT_MAX_IMPORT_BYTES });
  // Unknown paths under /api answer like the rest of the API, not with whatever the host app serves.
  api.all('*', (c) => c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), 404));

  const app = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http', scheme: 'bearer',
    description: 'A read token may call every GET and the probe; every change needs an admin token.',
  });
  // Registered before the API itself, so that its auth middleware does not guard the document.
  app.doc31(`${API_PREFIX}/openapi.json`, {
    openapi: '3.1.0',
    info: { title: 'semcache admin API', version: '1.0.0', description: 'Control plane of the semantic cache: see docs/admin-api.md.' },
  });
  app.route(API_PREFIX, api);
  return app;
}
