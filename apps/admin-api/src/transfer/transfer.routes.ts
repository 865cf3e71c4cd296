import { createRoute, z } from '@hono/zod-openapi';
import { ExportQuerySchema, ImportListQuerySchema, ImportQuerySchema, ImportListSchema, ImportProgressSchema, NamespaceParamsSchema } from '@semcache/shared';
import { adminOnly, jsonBody, readable, readErrors, writeErrors } from '../route-helpers.ts';

const tags = ['transfer'];
export const JSONL = 'application/x-ndjson';

export const exportRoute = createRoute({
  method: 'get', path: '/namespaces/{namespace}/export', tags, ...readable,
  summary: 'The namespace\'s entries as JSON Lines, streamed: an ExportHeader line, then one entry (prompt, answer, metadata, optionally its vector) per line',
  request: { params: NamespaceParamsSchema, query: ExportQuerySchema },
  responses: {
    // No content schema: the typed responses of @hono/zod-openapi read application/x-ndjson as a JSON type it cannot match.
    200: { description: `${JSONL}: an ExportHeader line, then one entry per line, least recently used first` },
    ...readErrors,
  },
});

export const importRoute = createRoute({
  method: 'post', path: '/namespaces/{namespace}/import', tags, ...adminOnly,
  summary: 'Import an export into this namespace (created when missing): bad lines are reported by number and skipped, expired entries skipped, vectors recomputed unless the embedder is the same; dryRun=true checks every line and applies nothing',
  request: {
    params: NamespaceParamsSchema,
    query: ImportQuerySchema,
    body: { content: { [JSONL]: { schema: z.string() } }, description: 'An export, as GET .../export wrote it', required: true },
  },
  responses: { 200: jsonBody(ImportProgressSchema, 'The import as it ended'), ...writeErrors },
});

export const listImportsRoute = createRoute({
  method: 'get', path: '/imports', tags, ...readable,
  summary: 'Imports running and recently finished, with their counts: progress while they run',
  request: { query: ImportListQuerySchema },
  responses: { 200: jsonBody(ImportListSchema, 'Running imports first, then finished ones, newest first'), 400: readErrors[400], 401: readErrors[401] },
});
