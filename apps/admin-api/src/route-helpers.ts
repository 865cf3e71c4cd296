import type { z } from 'zod';
import { ApiErrorSchema } from '@semcache/shared';
import { requireAdmin } from './auth/bearer-auth.ts';

export const jsonBody = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

const errorResponse = (description: string) => jsonBody(ApiErrorSchema, description);

/** The error answers every route can give, for the OpenAPI document (the error handler produces them). */
export const readErrors = {
  400: errorResponse('Invalid input: the body names the field'),
  401: errorResponse('No or unknown bearer token'),
  404: errorResponse('Unknown namespace, entry or lookup'),
} as const;

export const writeErrors = {
  ...readErrors,
  403: errorResponse('A read-only token cannot change anything'),
  413: errorResponse('Request body over the size limit'),
} as const;

const bearer: { bearer: string[] }[] = [{ bearer: [] }];

/** Route options of every change: the admin token, documented as such. */
export const adminOnly = { middleware: requireAdmin, security: bearer };
export const readable = { security: bearer };
