import type { MiddlewareHandler } from 'hono';
import { WRITE_HEADER } from '@semcache/shared';
import type { AdminEnv } from '../deps.ts';
import { errorBody } from '../errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const isJson = (contentType: string | undefined): boolean =>
  /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType?.trim() ?? '');

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * Against cross-site request forgery: a page the operator has open can make the browser send a form POST
 * (text/plain or form-encoded, no custom header) to the loopback API, which needs no token. So every change
 * needs a JSON body or the custom header, and a browser's `Origin`, when sent, must be this host itself or
 * one the operator listed.
 */
export function writeGuard(allowedOrigins: readonly string[] = []): MiddlewareHandler<AdminEnv> {
  const allowed = new Set(allowedOrigins.map((o) => o.toLowerCase().replace(/\/+$/, '')));
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const origin = c.req.header('origin');
    if (origin !== undefined) {
      const own = c.req.header('host')?.toLowerCase();
      const sameHost = own !== undefined && originHost(origin) === own;
      if (!sameHost && !allowed.has(origin.toLowerCase())) {
        return c.json(errorBody('forbidden', `a change from origin ${origin} is refused (cross-site request); list it in admin.allowedOrigins if it is yours`), 403);
      }
    }
    if (!isJson(c.req.header('content-type')) && c.req.header(WRITE_HEADER) === undefined) {
      return c.json(errorBody('unsupported_media_type', `a change needs content-type: application/json or an ${WRITE_HEADER} header (protection against cross-site forms)`), 415);
    }
    return next();
  };
}
