import { suggestThreshold } from '../analytics/threshold-suggestion.ts';
import { audit } from '../audit.ts';
import type { AdminApp, FeatureDeps } from '../deps.ts';
import { deleteLabelRoute, listLabelsRoute, putLabelRoute } from './labels.routes.ts';

export function registerLabels(app: AdminApp, { admin, logger }: FeatureDeps): void {
  app.openapi(listLabelsRoute, (c) => {
    const { namespace } = c.req.valid('param');
    const { threshold } = admin.getNamespace(namespace).settings;
    const items = admin.listLabels(namespace);
    return c.json({ namespace, items, suggestion: suggestThreshold(items, threshold) }, 200);
  });

  app.openapi(putLabelRoute, (c) => {
    const { namespace } = c.req.valid('param');
    const { lookupId, verdict } = c.req.valid('json');
    const previous = admin.listLabels(namespace).find((l) => l.lookupId === lookupId);
    const label = admin.labelLookup(namespace, { lookupId, verdict, by: c.get('actor').name });
    audit(logger, c, {
      action: 'label.set', namespace, lookupId, similarity: label.similarity, old: previous?.verdict ?? null, new: verdict,
    });
    return c.json(label, 201);
  });

  app.openapi(deleteLabelRoute, (c) => {
    const { namespace, lookupId } = c.req.valid('param');
    const previous = admin.listLabels(namespace).find((l) => l.lookupId === lookupId);
    admin.deleteLabel(namespace, lookupId);
    audit(logger, c, { action: 'label.delete', namespace, lookupId, old: previous?.verdict ?? null, new: null });
    return c.body(null, 204);
  });
}
