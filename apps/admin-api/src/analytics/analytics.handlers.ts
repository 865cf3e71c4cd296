import type { AdminApp, FeatureDeps } from '../deps.ts';
import { histogramRoute, nearMissesRoute, thresholdPreviewRoute } from './analytics.routes.ts';
import { nearMisses } from './near-misses.ts';
import { similarityHistogram } from './similarity-histogram.ts';
import { thresholdPreview } from './threshold-preview.ts';

export function registerAnalytics(app: AdminApp, { admin, nearMissMargin }: FeatureDeps): void {
  app.openapi(nearMissesRoute, (c) => {
    const { namespace } = c.req.valid('param');
    const { margin = nearMissMargin, limit } = c.req.valid('query');
    const { threshold } = admin.getNamespace(namespace).settings;
    const labels = new Map(admin.listLabels(namespace).map((l) => [l.lookupId, l.verdict]));
    const items = nearMisses(admin.recentLookups({ namespace }), margin, limit, labels);
    return c.json({ namespace, margin, threshold, items }, 200);
  });

  app.openapi(histogramRoute, (c) => {
    const { namespace } = c.req.valid('param');
    const { window, ...bins } = c.req.valid('query');
    const { threshold } = admin.getNamespace(namespace).settings;
    const histogram = similarityHistogram(admin.recentLookups({ namespace, limit: window }), bins);
    return c.json({ namespace, threshold, ...histogram }, 200);
  });

  app.openapi(thresholdPreviewRoute, (c) => {
    const { namespace } = c.req.valid('param');
    const { threshold: proposed, examples, window } = c.req.valid('query');
    const currentThreshold = admin.getNamespace(namespace).settings.threshold;
    const preview = thresholdPreview(admin.recentLookups({ namespace, limit: window }), proposed, examples);
    return c.json({ namespace, currentThreshold, ...preview }, 200);
  });
}
