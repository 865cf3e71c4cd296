/**
 * Which namespace a request belongs to. Isolation lives in this type: tenants of one model never share a
 * namespace, so they never see each other's answers; nor do requests that went by different routes.
 */
export interface Partition {
  readonly model: string;
  /** null: no tenant. Never '': a request with an empty tenant value has no tenant. */
  readonly tenant: string | null;
  /** null: the route is not part of the key, or is the plain one (see endpoints/route-identity.ts). */
  readonly route?: string | null;
}

/**
 * The namespace name is the partition's key wherever it is stored (snapshot, Redis keys, metrics labels,
 * admin API paths): `model`, `model|tenant`, `model|~route`, `model|tenant|~route`. Each field is escaped, so a
 * '|' or '~' inside a model or tenant can never pose as a separator or a marker: model `m|a` is `m%7Ca`,
 * tenant `a|b` of model `m` is `m|a%7Cb`. Names of models and tenants without those characters read as before.
 */
const SEPARATOR = '|';
const ROUTE_MARK = '~';

const ESCAPES: Record<string, string> = { '%': '%25', [SEPARATOR]: '%7C', [ROUTE_MARK]: '%7E' };
const UNESCAPES: Record<string, string> = { '%25': '%', '%7C': SEPARATOR, '%7E': ROUTE_MARK };
const escape = (field: string): string => field.replace(/[%|~]/g, (c) => ESCAPES[c]!);
const unescape = (field: string): string => field.replace(/%(25|7C|7E)/gi, (code) => UNESCAPES[code.toUpperCase()]!);

export function partitionName(p: Partition): string {
  let name = escape(p.model);
  if (p.tenant !== null) name += SEPARATOR + escape(p.tenant);
  if (p.route != null) name += SEPARATOR + ROUTE_MARK + escape(p.route);
  return name;
}

export function parsePartitionName(name: string): Partition {
  const [model = '', ...rest] = name.split(SEPARATOR);
  const routeField = rest.at(-1)?.startsWith(ROUTE_MARK) ? rest.pop()!.slice(1) : null;
  const [tenant, ...extra] = rest;
  if (extra.length > 0 || tenant === '' || tenant?.startsWith(ROUTE_MARK)) throw new Error(`'${name}' is not a namespace name`);
  return { model: unescape(model), tenant: tenant === undefined ? null : unescape(tenant), route: routeField === null ? null : unescape(routeField) };
}
