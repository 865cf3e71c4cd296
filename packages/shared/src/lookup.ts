import { z } from 'zod';

export const LookupOutcomeSchema = z.enum(['exact', 'semantic', 'miss', 'guarded', 'verified-miss', 'verify', 'bypass', 'error']);
export type LookupOutcome = z.infer<typeof LookupOutcomeSchema>;

/** One decision of the cache, kept in a bounded in-memory log that the admin API reads. */
export const LookupEventSchema = z.object({
  id: z.string(),
  time: z.number(),
  namespace: z.string(),
  prompt: z.string(),
  candidateId: z.string().nullable(),
  candidatePrompt: z.string().nullable(),
  similarity: z.number().nullable(),
  threshold: z.number(),
  outcome: LookupOutcomeSchema,
  /** Why the outcome is what it is, e.g. the guard rule that fired or the error class. */
  reason: z.string().nullable(),
  embedMicros: z.number().int(),
  searchMicros: z.number().int(),
  /** The whole lookup, exact tier included. */
  lookupMicros: z.number().int().optional(),
  /** On a hit: the cached answer's usage.totalTokens, which the model did not spend again. */
  tokensSaved: z.number().int().nonnegative().optional(),
  /** The verifier that judged the best candidate (absent when none did), and its score in [0, 1]. */
  verifier: z.string().nullable().optional(),
  verifierScore: z.number().nullable().optional(),
  /** Set when a fallback stage of the verifier decided, and why (e.g. `cross-encoder-busy`): the stacked verifier's classifier alone. */
  verifierFallback: z.string().optional(),
  /** On a hit of a priced model: what the cached answer's tokens cost at the configured prices. */
  costSaved: z.number().nonnegative().optional(),
});
export type LookupEvent = z.infer<typeof LookupEventSchema>;
