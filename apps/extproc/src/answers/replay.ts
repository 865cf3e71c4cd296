import type { EndpointKind } from '@semcache/shared';
import { packedBytes, unpackText, type PackedText } from '../cache/packed-text.ts';
import type { ReplayOptions } from './wire-format.ts';
import { wireFormatOf } from './wire-formats.ts';

export type { ReplayOptions } from './wire-format.ts';

export interface StoredForm {
  endpoint: EndpointKind;
  /** The endpoint's non-stream JSON document. */
  response: PackedText;
  contentType: string;
}

export interface RenderedAnswer {
  body: Buffer;
  contentType: string;
}

/** How this request wants its answer, as its API frames it. */
export function readReplayOptions(endpoint: EndpointKind, body: Record<string, unknown>): ReplayOptions {
  return wireFormatOf(endpoint).replayOptions(body);
}

/**
 * A stored answer in the form this request wants: its JSON document as stored (byte for byte, unless the API
 * echoes request fields), or SSE; null if unreadable.
 */
export function renderAnswer(stored: StoredForm, want: ReplayOptions): RenderedAnswer | null {
  if (!want.stream && !want.echo) return { body: packedBytes(stored.response), contentType: stored.contentType };
  let doc: unknown;
  try {
    doc = JSON.parse(unpackText(stored.response));
  } catch {
    return null;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return null;
  const echoed: Record<string, unknown> = { ...doc };
  for (const [k, v] of Object.entries(want.echo ?? {})) if (k in echoed) echoed[k] = v;
  if (!want.stream) return { body: Buffer.from(JSON.stringify(echoed), 'utf8'), contentType: stored.contentType };
  const sse = wireFormatOf(stored.endpoint).renderSse(echoed, want);
  return sse === null ? null : { body: Buffer.from(sse, 'utf8'), contentType: 'text/event-stream' };
}
