import { createRoute } from '@hono/zod-openapi';
import { NamespaceParamsSchema, ProbeRequestSchema, ProbeResultSchema } from '@semcache/shared';
import { jsonBody, readable, readErrors, writeErrors } from '../route-helpers.ts';

/** A POST for the prompt's sake (it may be long), yet a read: nothing is stored or counted as traffic. */
export const probeRoute = createRoute({
  method: 'post', path: '/namespaces/{namespace}/probe', tags: ['probe'], ...readable,
  summary: 'The entries nearest a prompt, their similarity and whether each would be a hit now',
  request: {
    params: NamespaceParamsSchema,
    body: { ...jsonBody(ProbeRequestSchema, 'The prompt and how many candidates to return'), required: true },
  },
  responses: { 200: jsonBody(ProbeResultSchema, 'Nearest entries, best first'), ...readErrors, 413: writeErrors[413] },
});
