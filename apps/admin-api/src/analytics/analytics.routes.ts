import { createRoute } from '@hono/zod-openapi';
import {
  HistogramQuerySchema, NamespaceParamsSchema, NearMissListSchema, NearMissQuerySchema, SimilarityHistogramSchema,
  ThresholdPreviewQuerySchema, ThresholdPreviewSchema,
} from '@semcache/shared';
import { jsonBody, readable, readErrors } from '../route-helpers.ts';

const tags = ['analytics'];

export const nearMissesRoute = createRoute({
  method: 'get', path: '/namespaces/{namespace}/near-misses', tags, ...readable,
  summary: 'Recent misses whose best similarity fell within the margin below the threshold, both prompts side by side',
  request: { params: NamespaceParamsSchema, query: NearMissQuerySchema },
  responses: { 200: jsonBody(NearMissListSchema, 'Near misses, newest first'), ...readErrors },
});

export const histogramRoute = createRoute({
  method: 'get', path: '/namespaces/{namespace}/similarity-histogram', tags, ...readable,
  summary: 'Histogram of best-candidate similarities over recent lookups, split by outcome, with the threshold',
  request: { params: NamespaceParamsSchema, query: HistogramQuerySchema },
  responses: { 200: jsonBody(SimilarityHistogramSchema, 'The histogram'), ...readErrors },
});

export const thresholdPreviewRoute = createRoute({
  method: 'get', path: '/namespaces/{namespace}/threshold-preview', tags, ...readable,
  summary: 'What-if: how recent lookups would change (miss to hit, hit to miss) at a proposed threshold',
  request: { params: NamespaceParamsSchema, query: ThresholdPreviewQuerySchema },
  responses: { 200: jsonBody(ThresholdPreviewSchema, 'The changes, with examples'), ...readErrors },
});
