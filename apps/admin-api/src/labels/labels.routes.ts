import { createRoute } from '@hono/zod-openapi';
import { LabelListSchema, LabelParamsSchema, LabelRequestSchema, NamespaceParamsSchema, PairLabelSchema } from '@semcache/shared';
import { adminOnly, jsonBody, readable, readErrors, writeErrors } from '../route-helpers.ts';

const tags = ['labels'];

export const listLabelsRoute = createRoute({
  method: 'get', path: '/namespaces/{namespace}/labels', tags, ...readable,
  summary: 'The labelled pairs of the namespace and the threshold that separates them best',
  request: { params: NamespaceParamsSchema },
  responses: { 200: jsonBody(LabelListSchema, 'Labels, newest first, and the suggestion'), ...readErrors },
});

export const putLabelRoute = createRoute({
  method: 'post', path: '/namespaces/{namespace}/labels', tags, ...adminOnly,
  summary: 'Mark a logged lookup\'s pair (prompt, best candidate) as the same or a different meaning',
  request: {
    params: NamespaceParamsSchema,
    body: { ...jsonBody(LabelRequestSchema, 'The lookup and the verdict'), required: true },
  },
  responses: { 201: jsonBody(PairLabelSchema, 'The label (replacing an earlier one of the same lookup)'), ...writeErrors },
});

export const deleteLabelRoute = createRoute({
  method: 'delete', path: '/namespaces/{namespace}/labels/{lookupId}', tags, ...adminOnly,
  summary: 'Withdraw a label',
  request: { params: LabelParamsSchema },
  responses: { 204: { description: 'The label is gone' }, ...writeErrors },
});
