import { createRoute } from '@hono/zod-openapi';
import { LookupEventSchema, LookupListSchema, LookupQuerySchema, LookupStreamQuerySchema } from '@semcache/shared';
import { jsonBody, readable, readErrors } from '../route-helpers.ts';

const tags = ['lookups'];

export const listLookupsRoute = createRoute({
  method: 'get', path: '/lookups', tags, ...readable,
  summary: 'Recent lookup decisions, newest first, filtered by namespace and outcome',
  request: { query: LookupQuerySchema },
  responses: { 200: jsonBody(LookupListSchema, 'Lookup events'), 400: readErrors[400], 401: readErrors[401] },
});

export const streamLookupsRoute = createRoute({
  method: 'get', path: '/lookups/stream', tags, ...readable,
  summary: 'Server-sent events: one `lookup` event (JSON data) per new lookup that matches the filters',
  request: { query: LookupStreamQuerySchema },
  responses: {
    200: { content: { 'text/event-stream': { schema: LookupEventSchema } }, description: 'An endless event stream' },
    400: readErrors[400],
    401: readErrors[401],
  },
});
