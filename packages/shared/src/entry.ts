import { z } from 'zod';
import { EntryOnlineSchema } from './online.ts';

/** Token usage as reported by the OpenAI `usage` object of a cached answer. */
export const UsageSchema = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof UsageSchema>;

export const EndpointKindSchema = z.enum(['chat', 'completions', 'messages', 'responses', 'embeddings']);
export type EndpointKind = z.infer<typeof EndpointKindSchema>;

export const EntrySummarySchema = z.object({
  id: z.string(),
  namespace: z.string(),
  endpoint: EndpointKindSchema,
  prompt: z.string(),
  createdAt: z.number(),
  lastHitAt: z.number().nullable(),
  hitCount: z.number().int(),
  expiresAt: z.number(),
  sizeBytes: z.number().int(),
  usage: UsageSchema.nullable(),
});
export type EntrySummary = z.infer<typeof EntrySummarySchema>;

export const EntryDetailSchema = EntrySummarySchema.extend({
  /** The cached answer as the upstream sent it (the endpoint's non-stream JSON document). */
  response: z.string(),
  contentType: z.string(),
  fingerprint: z.string(),
  /** Its online verification: observations and learned boundary (absent with online verification off). */
  online: EntryOnlineSchema.optional(),
});
export type EntryDetail = z.infer<typeof EntryDetailSchema>;
