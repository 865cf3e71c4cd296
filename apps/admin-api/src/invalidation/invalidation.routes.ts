import { createRoute } from '@hono/zod-openapi';
import { EpochResultSchema, EvictionRequestSchema, EvictionResultSchema, NamespaceParamsSchema } from '@semcache/shared';
import { adminOnly, jsonBody, writeErrors } from '../route-helpers.ts';

const tags = ['invalidation'];

export const evictSelectedRoute = createRoute({
  method: 'post', path: '/namespaces/{namespace}/evictions', tags, ...adminOnly,
  summary: 'Evict the entries a selector matches (tags, age, model revision, prompt text, similarity to a prompt); dryRun shows what would go',
  request: {
    params: NamespaceParamsSchema,
    body: { ...jsonBody(EvictionRequestSchema, 'The selector: every criterion given must hold'), required: true },
  },
  responses: { 200: jsonBody(EvictionResultSchema, 'How many matched, a sample of them, and the ids evicted'), ...writeErrors },
});

export const bumpEpochRoute = createRoute({
  method: 'post', path: '/namespaces/{namespace}/epoch', tags, ...adminOnly,
  summary: 'Flush the namespace by starting a new epoch: nothing stored before is served again; old entries are reclaimed in the background',
  request: { params: NamespaceParamsSchema },
  responses: { 200: jsonBody(EpochResultSchema, 'The new epoch and how many entries it superseded'), ...writeErrors },
});
