import { z } from 'zod';
import { OnlineStatsSchema } from './online.ts';

/** Identity of the embedder whose vectors a namespace holds: vectors from different embedders are never compared. */
export const EmbedderIdentitySchema = z.object({
  provider: z.string(),
  model: z.string(),
  version: z.string(),
  /** 0 until a remote embedder has answered once. */
  dimensions: z.number().int().nonnegative(),
});
export type EmbedderIdentity = z.infer<typeof EmbedderIdentitySchema>;

export const embedderKey = (id: EmbedderIdentity): string =>
  `${id.provider}/${id.model}@${id.version}#${id.dimensions}`;

/**
 * Which values of the `x-semantic-cache` request header a client may use: `off` none, `read-only` the two that
 * only lessen caching (`bypass`, `no-store`), `all` also `refresh`, which replaces the answer everyone gets.
 */
export const ClientControlsSchema = z.enum(['off', 'read-only', 'all']);
export type ClientControls = z.infer<typeof ClientControlsSchema>;

export const NamespaceSettingsSchema = z.object({
  threshold: z.number().min(0).max(1),
  ttlSeconds: z.number().int().positive(),
  maxEntries: z.number().int().positive(),
  enabled: z.boolean(),
  guard: z.boolean(),
  clientControls: ClientControlsSchema,
  /** The learned verifier on the best candidates (unset in settings saved before it existed: the configured default). */
  verifier: z.boolean().optional(),
  /** The verifier's score a candidate needs to be served. */
  verifierThreshold: z.number().min(0).max(1).optional(),
  maxTtlSeconds: z.number().int().positive(),
  /**
   * The similarity a candidate needs to reach the verifier, used only while the verifier is on; `threshold` is
   * the stand-alone value, so turning the verifier off never leaves a threshold that relied on it.
   */
  verifierCandidateThreshold: z.number().min(0).max(1).optional(),
  /** Online verification: per-entry boundaries learned by exploring would-be hits (off: the static threshold rules). */
  online: z.boolean().optional(),
  /** δ: the error rate the online policy keeps served answers under. */
  errorBound: z.number().gt(0).max(0.5).optional(),
  /** Share of would-be hits the online policy may send to the model to check. */
  maxExploreRate: z.number().min(0).max(1).optional(),
});
export type NamespaceSettings = z.infer<typeof NamespaceSettingsSchema>;

/** Settings as written by a data directory or Redis: those of older versions lack the newer fields. */
export const StoredNamespaceSettingsSchema = NamespaceSettingsSchema.extend({
  clientControls: ClientControlsSchema.default('read-only'),
  maxTtlSeconds: z.number().int().positive().default(86_400),
});

export const NamespaceSettingsPatchSchema = NamespaceSettingsSchema.partial().strict();
export type NamespaceSettingsPatch = z.infer<typeof NamespaceSettingsPatchSchema>;

export const NamespaceStatsSchema = z.object({
  entries: z.number().int(),
  memoryBytes: z.number().int(),
  exactHits: z.number().int(),
  semanticHits: z.number().int(),
  misses: z.number().int(),
  guarded: z.number().int(),
  /** Candidates that passed the threshold and the guard but that the verifier refused (or failed on). */
  verifiedMisses: z.number().int(),
  bypassed: z.number().int(),
  errors: z.number().int(),
  hitRate: z.number(),
  tokensSaved: z.number().int(),
  /** Cost of the tokens saved at the configured prices (0 for a model without a price). */
  costSaved: z.number(),
  evictions: z.number().int(),
  expirations: z.number().int(),
});
export type NamespaceStats = z.infer<typeof NamespaceStatsSchema>;

export const NamespaceInfoSchema = z.object({
  name: z.string(),
  model: z.string(),
  tenant: z.string().nullable(),
  /** Where requests went (path prefix and query, host, selected headers) when configured to split by it. */
  route: z.string().nullable(),
  settings: NamespaceSettingsSchema,
  stats: NamespaceStatsSchema,
  embedder: EmbedderIdentitySchema,
  createdAt: z.number(),
  online: OnlineStatsSchema.optional(),
  /** Bumped by an epoch flush: entries stored in an earlier epoch are never served again. */
  epoch: z.number().int().nonnegative(),
});
export type NamespaceInfo = z.infer<typeof NamespaceInfoSchema>;
