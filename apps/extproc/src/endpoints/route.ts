import type { EndpointKind } from '@semcache/shared';
import { chat } from './chat.ts';
import { completions } from './completions.ts';
import { embeddings } from './embeddings.ts';
import type { EndpointSpec } from './endpoint-spec.ts';
import { messages } from './messages.ts';
import { responses } from './responses.ts';

export const ENDPOINTS: readonly EndpointSpec[] = [chat, completions, messages, responses, embeddings];

/** The endpoint a POST to this path is for, honouring the configured prefixes and endpoints; null for anything else. */
export function routeEndpoint(
  method: string, rawPath: string, prefixes: readonly string[], enabled: readonly EndpointKind[] = ENDPOINTS.map((e) => e.kind),
): EndpointSpec | null {
  if (method !== 'POST') return null;
  const q = rawPath.search(/[?#]/);
  const path = (q < 0 ? rawPath : rawPath.slice(0, q)).replace(/\/+$/, '');
  for (const spec of ENDPOINTS) {
    if (!enabled.includes(spec.kind)) continue;
    for (const prefix of prefixes) if (path === prefix + spec.path) return spec;
  }
  return null;
}
