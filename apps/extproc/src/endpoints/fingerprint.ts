import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted, so that key order in a client's request never changes the fingerprint.
 * Recursive: the processor passes bodies nested deeper than its limit through before they get here.
 */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function fingerprint(endpoint: string, context: unknown): string {
  return createHash('sha256').update(endpoint).update('\0').update(canonical(context)).digest('base64url');
}
