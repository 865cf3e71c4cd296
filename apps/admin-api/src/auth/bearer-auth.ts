import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Actor, AdminEnv, AdminToken } from '../deps.ts';
import { errorBody } from '../errors.ts';

/** Used when no token is configured; the process then listens on the loopback interface only. */
export const LOCAL_ACTOR: Actor = { name: 'local', role: 'admin' };

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Compares the presented token with every configured one in constant time (digests have one length, and no
 * comparison stops early), so neither a token's content nor its position leaks through timing.
 */
export function findToken(tokens: readonly AdminToken[], presented: string): AdminToken | null {
  const candidate = digest(presented);
  let found: AdminToken | null = null;
  for (const t of tokens) {
    if (timingSafeEqual(digest(t.token), candidate) && found === null) found = t;
  }
  return found;
}

/** Sets the caller (`c.get('actor')`) or refuses with 401; what the caller may do is checked per route. */
export function bearerAuth(tokens: readonly AdminToken[]): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    if (tokens.length === 0) {
      c.set('actor', LOCAL_ACTOR);
      return next();
    }
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(c.req.header('authorization') ?? '');
    const token = match ? findToken(tokens, match[1]!) : null;
    if (!token) {
      c.header('WWW-Authenticate', 'Bearer realm="semcache-admin"');
      return c.json(errorBody('unauthorized', match ? 'unknown token' : 'a bearer token is required'), 401);
    }
    c.set('actor', { name: token.name, role: token.role });
    return next();
  };
}

/** On every route that changes something. */
export const requireAdmin: MiddlewareHandler<AdminEnv> = async (c, next) => {
  if (c.get('actor').role !== 'admin') {
    return c.json(errorBody('forbidden', 'this change needs an admin token'), 403);
  }
  return next();
};
