import { z } from 'zod';
import { EntryOnlineSchema } from './online.ts';

/** Token usage as reported by the OpenAI `usage` object of a cached answer. */
export const UsageSchema = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof UsageSchema>;

/** What a tag may hold, once case-folded: the header and the eviction selector share it. */
export const TAG_PATTERN = /^[a-z0-9_.:\/-]+$/;

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
  /** From the storing request's `x-semantic-cache-tags` header; [] without one. */
  tags: z.array(z.string()),
  /** The `model` the upstream answered with (OpenAI: the dated revision, e.g. gpt-4o-2024-08-06); null when it sent none. */
  modelRevision: z.string().nullable(),
  /** The upstream's `system_fingerprint` (its backend configuration); null when it sent none. */
  systemFingerprint: z.string().nullable(),
  /** The namespace epoch it was stored in: only entries of the current epoch are served. */
  epoch: z.number().int().nonnegative(),
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
