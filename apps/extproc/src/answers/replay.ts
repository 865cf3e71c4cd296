import type { EndpointKind } from '@semcache/shared';
import { fromCompletion } from './canonical-answer.ts';
import { renderSse } from './sse-render.ts';

/** How the client asked for its answer; only framing, never part of what the answer is. */
export interface ReplayOptions {
  stream: boolean;
  includeUsage: boolean;
}

export interface StoredForm {
  endpoint: EndpointKind;
  /** The canonical JSON completion document. */
  response: string;
  contentType: string;
}

export interface RenderedAnswer {
  body: Buffer;
  contentType: string;
}

export function readReplayOptions(body: Record<string, unknown>): ReplayOptions {
  const streamOptions = body.stream_options as { include_usage?: unknown } | null | undefined;
  return { stream: body.stream === true, includeUsage: body.stream === true && streamOptions?.include_usage === true };
}

/** A stored answer in the form this request wants: its JSON document as stored, or SSE; null if unreadable. */
export function renderAnswer(stored: StoredForm, want: ReplayOptions): RenderedAnswer | null {
  if (!want.stream) return { body: Buffer.from(stored.response, 'utf8'), contentType: stored.contentType };
  let doc: unknown;
  try {
    doc = JSON.parse(stored.response);
  } catch {
    return null;
  }
  const answer = fromCompletion(doc, stored.endpoint);
  if (!answer) return null;
  return { body: Buffer.from(renderSse(answer, { includeUsage: want.includeUsage }), 'utf8'), contentType: 'text/event-stream' };
}
