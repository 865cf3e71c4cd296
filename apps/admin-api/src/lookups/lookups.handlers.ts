import type { AdminApp, FeatureDeps } from '../deps.ts';
import { streamLookups, type LookupStreamOptions } from './lookup-stream.ts';
import { listLookupsRoute, streamLookupsRoute } from './lookups.routes.ts';

export function registerLookups(app: AdminApp, { admin }: FeatureDeps, streams: LookupStreamOptions): void {
  app.openapi(listLookupsRoute, (c) => c.json({ items: admin.recentLookups(c.req.valid('query')) }, 200));
  app.openapi(streamLookupsRoute, (c) => streamLookups(c, admin, c.req.valid('query'), streams));
}
