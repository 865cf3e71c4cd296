import type { EndpointKind } from '@semcache/shared';
import { embeddingsWire } from './embeddings-wire.ts';
import { messagesWire } from './messages-wire.ts';
import { openAiWire } from './openai-wire.ts';
import { responsesWire } from './responses-wire.ts';
import type { WireFormat } from './wire-format.ts';

const FORMATS: Record<EndpointKind, WireFormat> = {
  chat: openAiWire('chat'),
  completions: openAiWire('completions'),
  messages: messagesWire,
  responses: responsesWire,
  embeddings: embeddingsWire,
};

/** The wire format of an endpoint's answers: a stored entry names its endpoint, so a replay finds it here. */
export const wireFormatOf = (endpoint: EndpointKind): WireFormat => FORMATS[endpoint];
