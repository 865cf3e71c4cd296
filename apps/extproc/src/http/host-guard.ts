import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';

/**
 * DNS rebinding: a page at attacker.example re-resolves its own name to 127.0.0.1 and then reads and
 * changes the loopback API as a same-origin page, with `Host: attacker.example`. A name is served only
 * when the operator listed it. An address (what probes and Prometheus use) cannot be rebound, so any IP
 * literal passes, and so do `localhost` and its subdomains, which browsers resolve to loopback themselves.
 */
export function isAllowedHost(hostHeader: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes('*')) return true;
  if (!hostHeader) return false;
  const host = hostName(hostHeader);
  if (host === null) return false;
  if (isIP(host) !== 0 || host === 'localhost' || host.endsWith('.localhost')) return true;
  return allowed.some((a) => {
    const name = a.toLowerCase();
    return name.startsWith('.') ? host.endsWith(name) : host === name;
  });
}

/** The name of a Host header without its port, lower-case; IPv6 without brackets. */
function hostName(header: string): string | null {
  const h = header.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d+)?$/.exec(h);
  if (bracketed) return bracketed[1]!;
  const plain = /^([a-z0-9.-]+)(?::\d+)?$/.exec(h);
  return plain ? plain[1]!.replace(/\.$/, '') : null;
}

/** Refuses, before any route, a request whose Host is not this server's (421 Misdirected Request). */
export function hostGuard(allowed: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header('host');
    if (isAllowedHost(host, allowed)) return next();
    return c.json({
      error: {
        code: 'forbidden', field: null, issues: [],
        message: `host ${JSON.stringify(host ?? '')} is not served here: add it to http.allowedHosts (HTTP_ALLOWED_HOSTS)`,
      },
    }, 421);
  };
}
