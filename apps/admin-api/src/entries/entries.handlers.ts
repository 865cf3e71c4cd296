import { audit } from '../audit.ts';
import type { AdminApp, FeatureDeps } from '../deps.ts';
import { evictEntryRoute, evictWhereRoute, getEntryRoute, listEntriesRoute } from './entries.routes.ts';

export function registerEntries(app: AdminApp, { admin, logger }: FeatureDeps): void {
  app.openapi(listEntriesRoute, (c) => {
    const { namespace } = c.req.valid('param');
    const query = c.req.valid('query');
    const page = admin.listEntries(namespace, query);
    return c.json({ namespace, total: page.total, offset: query.offset, limit: query.limit, items: page.items }, 200);
  });

  app.openapi(getEntryRoute, (c) => {
    const { namespace, id } = c.req.valid('param');
    return c.json(admin.getEntry(namespace, id), 200);
  });

  app.openapi(evictEntryRoute, (c) => {
    const { namespace, id } = c.req.valid('param');
    const entry = admin.getEntry(namespace, id);
    admin.evictEntry(namespace, id);
    audit(logger, c, {
      action: 'entry.evict', namespace, entryId: id,
      old: { prompt: entry.prompt, createdAt: entry.createdAt, hitCount: entry.hitCount }, new: null,
    });
    return c.json({ namespace, evicted: 1 }, 200);
  });

  app.openapi(evictWhereRoute, (c) => {
    const { namespace } = c.req.valid('param');
    const { text } = c.req.valid('query');
    const evicted = admin.evictWhere(namespace, { text });
    audit(logger, c, { action: 'entry.evict-many', namespace, filter: { text }, old: { matching: evicted }, new: { matching: 0 } });
    return c.json({ namespace, evicted }, 200);
  });
}
