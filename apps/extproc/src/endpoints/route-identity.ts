import type { Config } from '@semcache/shared';

/** Space separates the parts; escaped inside them, so that no two routes share a string. */
const part = (s: string): string => s.replaceAll('%', '%25').replaceAll(' ', '%20');

/**
 * Where a request went, as far as the configuration makes it part of the namespace: `//host` (the
 * :authority, lowercased), the path prefix and query string (`/openai?api-version=2`), and `name=value` of
 * each selected header (a header that is absent leaves its name alone). Null when none of it applies, so
 * that requests at the root path keep the namespace name they always had.
 */
export function routeIdentity(headers: ReadonlyMap<string, string>, endpointPath: string, config: Config['route']): string | null {
  const parts: string[] = [];
  if (config.authority) parts.push(`//${(headers.get(':authority') ?? '').toLowerCase()}`);
  if (config.path) {
    const raw = headers.get(':path') ?? '';
    const q = raw.search(/[?#]/);
    const path = (q < 0 ? raw : raw.slice(0, q)).replace(/\/+$/, '');
    const query = q < 0 || raw[q] === '#' ? '' : raw.slice(q).replace(/#.*$/, '');
    const prefixAndQuery = path.slice(0, path.length - endpointPath.length) + query;
    if (prefixAndQuery !== '' && prefixAndQuery !== '?') parts.push(prefixAndQuery);
  }
  for (const name of config.headers) {
    const value = headers.get(name);
    parts.push(value === undefined ? name : `${name}=${value}`);
  }
  return parts.length === 0 ? null : parts.map(part).join(' ');
}
