import type { AdminApp, FeatureDeps } from '../deps.ts';
import { probeRoute } from './probe.routes.ts';

export function registerProbe(app: AdminApp, { admin }: FeatureDeps): void {
  app.openapi(probeRoute, async (c) => {
    const { namespace } = c.req.valid('param');
    const { prompt, k } = c.req.valid('json');
    return c.json(await admin.probe(namespace, prompt, k), 200);
  });
}
