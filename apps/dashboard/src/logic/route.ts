/** The screens, addressed by the URL hash so a reload or a shared link opens the same view. */
export type Route =
  | { screen: 'overview' }
  | { screen: 'live' }
  | { screen: 'namespace'; namespace: string }
  | { screen: 'near-misses'; namespace: string }
  | { screen: 'entries'; namespace: string }
  | { screen: 'invalidate'; namespace: string }
  | { screen: 'entry'; namespace: string; id: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#?\/?/, '').split('/').filter((p) => p !== '').map(safeDecode);
  const [head, ns, sub, id] = parts;
  if (head === 'live' && parts.length === 1) return { screen: 'live' };
  if (head === 'ns' && ns !== undefined) {
    if (sub === undefined) return { screen: 'namespace', namespace: ns };
    if (sub === 'near-misses' && id === undefined) return { screen: 'near-misses', namespace: ns };
    if (sub === 'entries' && id === undefined) return { screen: 'entries', namespace: ns };
    if (sub === 'invalidate' && id === undefined) return { screen: 'invalidate', namespace: ns };
    if (sub === 'entries' && id !== undefined && parts.length === 4) return { screen: 'entry', namespace: ns, id };
  }
  return { screen: 'overview' };
}

export function routeHref(route: Route): string {
  const enc = encodeURIComponent;
  switch (route.screen) {
    case 'overview': return '#/';
    case 'live': return '#/live';
    case 'namespace': return `#/ns/${enc(route.namespace)}`;
    case 'near-misses': return `#/ns/${enc(route.namespace)}/near-misses`;
    case 'entries': return `#/ns/${enc(route.namespace)}/entries`;
    case 'invalidate': return `#/ns/${enc(route.namespace)}/invalidate`;
    case 'entry': return `#/ns/${enc(route.namespace)}/entries/${enc(route.id)}`;
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
