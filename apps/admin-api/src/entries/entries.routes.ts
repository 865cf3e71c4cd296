import { createRoute } from '@hono/zod-openapi';
import {
  EntryDetailSchema, EntryListQuerySchema, EntryListSchema, EntryParamsSchema, EvictQuerySchema, EvictResultSchema,
  NamespaceParamsSchema,
} from '@semcache/shared';
import { adminOnly, jsonBody, readable, readErrors, writeErrors } from '../route-helpers.ts';

const tags = ['entries'];

export const listEntriesRoute = createRoute({
  method: 'get', path: '/namespaces/{namespace}/entries', tags, ...readable,
  summary: 'A page of the namespace\'s entries, newest first, optionally filtered by prompt text',
  request: { params: NamespaceParamsSchema, query: EntryListQuerySchema },
  responses: { 200: jsonBody(EntryListSchema, 'One page of entries'), ...readErrors },
});

export const getEntryRoute = createRoute({
  method: 'get', path: '/namespaces/{namespace}/entries/{id}', tags, ...readable,
  summary: 'One entry with its cached response',
  request: { params: EntryParamsSchema },
  responses: { 200: jsonBody(EntryDetailSchema, 'The entry'), ...readErrors },
});

export const evictEntryRoute = createRoute({
  method: 'delete', path: '/namespaces/{namespace}/entries/{id}', tags, ...adminOnly,
  summary: 'Evict one entry: the next identical request goes to the model',
  request: { params: EntryParamsSchema },
  responses: { 200: jsonBody(EvictResultSchema, 'The entry was evicted'), ...writeErrors },
});

export const evictWhereRoute = createRoute({
  method: 'delete', path: '/namespaces/{namespace}/entries', tags, ...adminOnly,
  summary: 'Evict every entry whose prompt contains the text (case-insensitive)',
  request: { params: NamespaceParamsSchema, query: EvictQuerySchema },
  responses: { 200: jsonBody(EvictResultSchema, 'How many entries were evicted'), ...writeErrors },
});
