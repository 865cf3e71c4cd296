import assert from 'node:assert/strict';
import type { LookupEvent } from '@semcache/shared';
import type { Harness } from './harness.ts';

/**
 * A call to the harness's admin API over HTTP (no token configured: it listens on loopback only), asserting
 * the status; the body parsed, or undefined for a 204.
 */
export async function adminApi<T = unknown>(h: Harness, method: string, path: string, body?: unknown, status = 200): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${h.server.httpPort}/api${path}`, {
    method,
    headers: body === undefined ? { 'x-requested-by': 'test' } : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  assert.equal(res.status, status, `${method} ${path}: ${await res.clone().text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** The newest lookup event for `prompt` among the last 50, read with an admin `token`. */
export async function lastLookup(h: Harness, token: string, prompt: string): Promise<LookupEvent> {
  const r = await fetch(`http://127.0.0.1:${h.server.httpPort}/api/lookups?limit=50`, { headers: { authorization: `Bearer ${token}` } });
  const found = ((await r.json()) as { items: LookupEvent[] }).items.find((e) => e.prompt === prompt);
  assert.ok(found, `a lookup event for "${prompt}"`);
  return found;
}
