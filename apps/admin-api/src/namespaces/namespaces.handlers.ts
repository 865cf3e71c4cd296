import type { NamespaceSettings } from '@semcache/shared';
import { suggestThreshold } from '../analytics/threshold-suggestion.ts';
import { audit } from '../audit.ts';
import type { AdminApp, FeatureDeps } from '../deps.ts';
import { deleteNamespaceRoute, flushNamespaceRoute, getNamespaceRoute, listNamespacesRoute, patchNamespaceRoute } from './namespaces.routes.ts';

/** Only the settings a patch names, so an audit line shows what changed and nothing else. */
function pick(settings: NamespaceSettings, keys: string[]): Partial<NamespaceSettings> {
  return Object.fromEntries(keys.map((k) => [k, settings[k as keyof NamespaceSettings]]));
}

export function registerNamespaces(app: AdminApp, { admin, logger }: FeatureDeps): void {
  app.openapi(listNamespacesRoute, (c) => c.json({ items: admin.listNamespaces() }, 200));

  app.openapi(getNamespaceRoute, (c) => {
    const { namespace } = c.req.valid('param');
    const info = admin.getNamespace(namespace);
    const suggestion = suggestThreshold(admin.listLabels(namespace), info.settings.threshold);
    return c.json({ ...info, suggestion }, 200);
  });

  app.openapi(patchNamespaceRoute, (c) => {
    const { namespace } = c.req.valid('param');
    const patch = c.req.valid('json');
    const before = admin.getNamespace(namespace).settings;
    const after = admin.updateSettings(namespace, patch);
    const keys = Object.keys(patch);
    audit(logger, c, { action: 'namespace.settings', namespace, old: pick(before, keys), new: pick(after.settings, keys) });
    return c.json(after, 200);
  });

  app.openapi(flushNamespaceRoute, (c) => {
    const { namespace } = c.req.valid('param');
    const removed = admin.flushNamespace(namespace);
    audit(logger, c, { action: 'namespace.flush', namespace, old: { entries: removed }, new: { entries: 0 } });
    return c.json({ namespace, removed }, 200);
  });

  app.openapi(deleteNamespaceRoute, (c) => {
    const { namespace } = c.req.valid('param');
    const removed = admin.deleteNamespace(namespace);
    audit(logger, c, { action: 'namespace.delete', namespace, old: { entries: removed }, new: null });
    return c.json({ namespace, removed }, 200);
  });
}
