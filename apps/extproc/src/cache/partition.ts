/**
 * Which namespace a request belongs to. Isolation lives in this type: tenants of one model never share a
 * namespace, so they never see each other's answers.
 */
export interface Partition {
  readonly model: string;
  /** null: no tenant. Never '': a request with an empty tenant value has no tenant. */
  readonly tenant: string | null;
}

/**
 * The namespace name is the partition's key wherever it is stored (snapshot, Redis keys, metrics labels,
 * admin API paths). Each field is escaped, so a '|' inside a model or tenant can never pose as the separator:
 * model `m|a` is `m%7Ca`, tenant `a|b` of model `m` is `m|a%7Cb`. A name without escapes reads as before.
 */
const SEPARATOR = '|';

const escape = (field: string): string => field.replaceAll('%', '%25').replaceAll(SEPARATOR, '%7C');
const unescape = (field: string): string => field.replace(/%(25|7C)/gi, (code) => (code === '%25' ? '%' : SEPARATOR));

export function partitionName(p: Partition): string {
  return p.tenant === null ? escape(p.model) : `${escape(p.model)}${SEPARATOR}${escape(p.tenant)}`;
}

export function parsePartitionName(name: string): Partition {
  const [model = '', tenant, ...rest] = name.split(SEPARATOR);
  if (rest.length > 0 || tenant === '') throw new Error(`'${name}' is not a namespace name`);
  return { model: unescape(model), tenant: tenant === undefined ? null : unescape(tenant) };
}
