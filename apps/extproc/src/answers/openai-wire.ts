import type { ReplayOptions, WireFormat } from './wire-format.ts';
import { fromCompletion } from './canonical-answer.ts';
import { renderSse } from './sse-render.ts';
import { StreamAssembler } from './stream-assembler.ts';
import { readUsage } from './usage.ts';

export function readReplayOptions(body: Record<string, unknown>): ReplayOptions {
  const streamOptions = body.stream_options as { include_usage?: unknown } | null | undefined;
  return { stream: body.stream === true, includeUsage: body.stream === true && streamOptions?.include_usage === true };
}

/** Chat and text completions: `choices`, `chat.completion.chunk` / `text_completion` events and `data: [DONE]`. */
export function openAiWire(endpoint: 'chat' | 'completions'): WireFormat {
  return {
    replayOptions: readReplayOptions,
    storable: (doc) => fromCompletion(doc, endpoint) !== null,
    usage: (doc) => readUsage((doc as { usage?: unknown } | null)?.usage),
    assembler: (maxBytes) => new StreamAssembler(endpoint, maxBytes),
    renderSse(doc, want) {
      const answer = fromCompletion(doc, endpoint);
      return answer ? renderSse(answer, { includeUsage: want.includeUsage }) : null;
    },
  };
}
