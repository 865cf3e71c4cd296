import { createRoute } from '@hono/zod-openapi';
import {
  FlushResultSchema, NamespaceDetailSchema, NamespaceInfoSchema, NamespaceListSchema, NamespaceParamsSchema,
  SettingsPatchRequestSchema,
} from '@semcache/shared';
import { adminOnly, jsonBody, readable, readErrors, writeErrors } from '../route-helpers.ts';

const tags = ['namespaces'];

export const listNamespacesRoute = createRoute({
  method: 'get', path: '/namespaces', tags, ...readable,
  summary: 'Every namespace (model, or model|tenant) with its settings and live stats',
  responses: { 200: jsonBody(NamespaceListSchema, 'Namespaces by name'), 401: readErrors[401] },
});

export const getNamespaceRoute = createRoute({
  method: 'get', path: '/namespaces/{namespace}', tags, ...readable,
  summary: 'One namespace, with the threshold its labelled pairs suggest',
  request: { params: NamespaceParamsSchema },
  responses: { 200: jsonBody(NamespaceDetailSchema, 'The namespace'), ...readErrors },
});

export const patchNamespaceRoute = createRoute({
  method: 'patch', path: '/namespaces/{namespace}', tags, ...adminOnly,
  summary: 'Change threshold, TTL, max entries, enabled or guard; the next request uses the new values',
  request: {
    params: NamespaceParamsSchema,
    body: { ...jsonBody(SettingsPatchRequestSchema, 'The settings to change'), required: true },
  },
  responses: { 200: jsonBody(NamespaceInfoSchema, 'The namespace after the change'), ...writeErrors },
});

export const deleteNamespaceRoute = createRoute({
  method: 'delete', path: '/namespaces/{namespace}', tags, ...adminOnly,
  summary: 'Remove the namespace: its entries, settings and counters (labels stay); the next request for it starts afresh with the defaults',
  request: { params: NamespaceParamsSchema },
  responses: { 200: jsonBody(FlushResultSchema, 'How many entries were removed'), ...writeErrors },
});

export const flushNamespaceRoute = createRoute({
  method: 'post', path: '/namespaces/{namespace}/flush', tags, ...adminOnly,
  summary: 'Remove every entry of the namespace (settings, stats and labels stay)',
  request: { params: NamespaceParamsSchema },
  responses: { 200: jsonBody(FlushResultSchema, 'How many entries were removed'), ...writeErrors },
});
