import { audit } from '../audit.ts';
import type { AdminApp, FeatureDeps } from '../deps.ts';
import { bumpEpochRoute, evictSelectedRoute } from './invalidation.routes.ts';

export function registerInvalidation(app: AdminApp, { admin, logger }: FeatureDeps): void {
  app.openapi(evictSelectedRoute, async (c) => {
    const { namespace } = c.req.valid('param');
    const { dryRun, sample, ...selector } = c.req.valid('json');
    const result = await admin.evictSelected(namespace, selector, { dryRun, sample });
    // A dry run changes nothing: it is a read, and reads are not audited.
    if (!dryRun) {
      audit(logger, c, {
        action: 'entry.evict-selected', namespace, selector, evictedIds: result.evicted,
        old: { matching: result.matched }, new: { matching: 0 },
      });
    }
    return c.json(result, 200);
  });

  app.openapi(bumpEpochRoute, (c) => {
    const { namespace } = c.req.valid('param');
    const result = admin.bumpEpoch(namespace);
    audit(logger, c, {
      action: 'namespace.epoch', namespace,
      old: { epoch: result.epoch - 1, entries: result.superseded }, new: { epoch: result.epoch, entries: 0 },
    });
    return c.json(result, 200);
  });
}
