import type { HeaderMap, HeaderValueOption } from '@semcache/proto';

export type Headers = ReadonlyMap<string, string>;

/** Recent Envoy fills only `raw_value`, older Envoy only `value`: read the first, fall back to the second. */
export function readHeaders(map: HeaderMap | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const h of map?.headers ?? []) {
    const value = h.raw_value && h.raw_value.length > 0 ? Buffer.from(h.raw_value).toString('latin1') : (h.value ?? '');
    const key = h.key.toLowerCase();
    const prior = out.get(key);
    out.set(key, prior === undefined ? value : `${prior},${value}`);
  }
  return out;
}

/** Envoy reads only `raw_value` in mutations; setting `value` too is rejected. */
export function setHeader(key: string, value: string): HeaderValueOption {
  return { header: { key, raw_value: Buffer.from(value, 'latin1') }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' };
}

/** A content-length header's value; null where it is absent or not one number (Envoy rejects those anyway). */
export function contentLengthOf(value: string | undefined): number | null {
  return value !== undefined && /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : null;
}
