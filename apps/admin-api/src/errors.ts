import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import { InvalidRequestError, NotFoundError, type ApiError, type ApiErrorCode } from '@semcache/shared';
import type { AdminLogger } from './deps.ts';

type Issue = ApiError['error']['issues'][number];

export function errorBody(code: ApiErrorCode, message: string, issues: Issue[] = [], field: string | null = null): ApiError {
  return { error: { code, message, field, issues } };
}

/** One issue per field; a key the schema does not know is named as the field at fault. */
function zodIssues(error: ZodError): Issue[] {
  return error.issues.flatMap((i) => {
    const at = i.path.map(String);
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ field: [...at, k].join('.'), message: 'unknown field' }));
    return [{ field: at.join('.'), message: i.message }];
  });
}

/** 400 naming every field at fault; `where` is the part of the request (body, query, path). */
export function invalid(error: ZodError, where: string): ApiError {
  const issues = zodIssues(error);
  const message = issues.map((i) => `${i.field === '' ? where : `${where} ${i.field}`}: ${i.message}`).join('; ');
  const firstField = issues.find((i) => i.field !== '')?.field ?? null;
  return errorBody('invalid_request', message, issues, firstField);
}

const TARGET_NAMES: Record<string, string> = { json: 'body', query: 'query', param: 'path' };

/** The OpenAPIHono hook that answers a request whose body, query or path fails its schema. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target: string },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  return c.json(invalid(result.error, TARGET_NAMES[result.target] ?? result.target), 400);
}

const CODES: Partial<Record<number, ApiErrorCode>> = {
  400: 'invalid_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/** The one place where errors become responses: typed errors map to their status, the rest to a bare 500. */
export function errorHandler(logger: AdminLogger): ErrorHandler {
  return (err, c) => {
    if (err instanceof NotFoundError) return c.json(errorBody('not_found', err.message), 404);
    if (err instanceof InvalidRequestError) return c.json(errorBody('invalid_request', err.message, [], err.field), 400);
    if (err instanceof ZodError) return c.json(invalid(err, 'request'), 400);
    if (err instanceof HTTPException && err.status < 500) {
      const code = CODES[err.status] ?? 'invalid_request';
      const message = err.message || (err.status === 413 ? 'request body too large' : code);
      return c.json(errorBody(code, message), err.status as ContentfulStatusCode);
    }
    logger.error({ err, method: c.req.method, path: c.req.path }, 'admin API request failed');
    return c.json(errorBody('internal', 'internal error'), 500);
  };
}
