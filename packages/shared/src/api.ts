import { z } from 'zod';
import { EndpointKindSchema, EntrySummarySchema, TAG_PATTERN } from './entry.ts';
import { LookupEventSchema, LookupOutcomeSchema } from './lookup.ts';
import { EmbedderIdentitySchema, NamespaceInfoSchema, NamespaceSettingsSchema } from './namespace.ts';

/**
 * Requests and responses of the admin API (`/api`). The server validates with these and generates its
 * OpenAPI document from them; the dashboard takes its types from them.
 */

const count = z.number().int().nonnegative();
const similarity = z.number();
/** Query strings carry text: numbers in them are coerced, then validated like JSON numbers. */
const queryInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

// ---- errors -------------------------------------------------------------------------------------------

export const ApiErrorCodeSchema = z.enum([
  'invalid_request', 'unauthorized', 'forbidden', 'not_found', 'payload_too_large', 'unsupported_media_type', 'internal',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCodeSchema>;

export const ApiErrorSchema = z.object({
  error: z.object({
    code: ApiErrorCodeSchema,
    message: z.string(),
    /** The first field at fault, as a dotted path (`threshold`, `query.limit`), or null. */
    field: z.string().nullable(),
    issues: z.array(z.object({ field: z.string(), message: z.string() })),
  }),
}).meta({ id: 'ApiError' });
export type ApiError = z.infer<typeof ApiErrorSchema>;

// ---- path parameters ----------------------------------------------------------------------------------

export const NamespaceParamsSchema = z.object({ namespace: z.string().min(1).max(512) });
export const EntryParamsSchema = NamespaceParamsSchema.extend({ id: z.string().min(1).max(64) });
export const LabelParamsSchema = NamespaceParamsSchema.extend({ lookupId: z.string().min(1).max(64) });

// ---- labels (declared first: namespaces report the threshold their labels suggest) --------------------

export const LabelVerdictSchema = z.enum(['same', 'different']);
export type LabelVerdict = z.infer<typeof LabelVerdictSchema>;

export const LabelRequestSchema = z.object({
  /** A lookup event (usually a near miss or a semantic hit) that has a best candidate. */
  lookupId: z.string().min(1).max(64),
  verdict: LabelVerdictSchema,
}).strict();
export type LabelRequest = z.infer<typeof LabelRequestSchema>;

/** An operator's judgement of one (prompt, candidate) pair; it keeps both prompts, so it outlives the lookup log. */
export const PairLabelSchema = z.object({
  lookupId: z.string(),
  namespace: z.string(),
  prompt: z.string(),
  candidatePrompt: z.string(),
  similarity,
  /** The outcome of the labelled lookup and the threshold it was decided with. */
  outcome: LookupOutcomeSchema,
  threshold: z.number(),
  verdict: LabelVerdictSchema,
  createdAt: z.number(),
  /** Name of the token that labelled it. */
  by: z.string(),
}).meta({ id: 'PairLabel' });
export type PairLabel = z.infer<typeof PairLabelSchema>;

export const ThresholdSuggestionSchema = z.object({
  /** The threshold that puts the most labelled pairs on their right side; null without labels of both kinds. */
  threshold: z.number().nullable(),
  labels: count,
  same: count,
  different: count,
  /** Labelled pairs on the right side at the suggested threshold (same >= t > different). */
  correct: count,
  currentThreshold: z.number(),
  /** Labelled pairs on the right side at the namespace's current threshold. */
  currentCorrect: count,
}).meta({ id: 'ThresholdSuggestion' });
export type ThresholdSuggestion = z.infer<typeof ThresholdSuggestionSchema>;

export const LabelListSchema = z.object({
  namespace: z.string(),
  items: z.array(PairLabelSchema),
  suggestion: ThresholdSuggestionSchema,
});
export type LabelList = z.infer<typeof LabelListSchema>;

// ---- namespaces ---------------------------------------------------------------------------------------

export const NamespaceListSchema = z.object({ items: z.array(NamespaceInfoSchema) });
export type NamespaceList = z.infer<typeof NamespaceListSchema>;

export const NamespaceDetailSchema = NamespaceInfoSchema.extend({ suggestion: ThresholdSuggestionSchema })
  .meta({ id: 'NamespaceDetail' });
export type NamespaceDetail = z.infer<typeof NamespaceDetailSchema>;

/** Any of threshold, ttlSeconds, maxEntries, enabled, guard, clientControls, maxTtlSeconds, verifier, verifierThreshold, verifierCandidateThreshold, online, errorBound, maxExploreRate; applied to the very next request. */
export const SettingsPatchRequestSchema = NamespaceSettingsSchema.partial().strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'name at least one setting to change' });
export type SettingsPatchRequest = z.infer<typeof SettingsPatchRequestSchema>;

export const FlushResultSchema = z.object({ namespace: z.string(), removed: count });
export type FlushResult = z.infer<typeof FlushResultSchema>;

// ---- entries ------------------------------------------------------------------------------------------

export const EntryListQuerySchema = z.object({
  /** Case-insensitive substring of the prompt. */
  text: z.string().max(1000).optional(),
  offset: queryInt(0, 1_000_000).default(0),
  limit: queryInt(1, 500).default(50),
});
export type EntryListQuery = z.infer<typeof EntryListQuerySchema>;

/** Newest first. */
export const EntryListSchema = z.object({
  namespace: z.string(),
  total: count,
  offset: count,
  limit: count,
  items: z.array(EntrySummarySchema),
});
export type EntryList = z.infer<typeof EntryListSchema>;

/** Evicting by filter needs a non-empty filter: emptying a namespace is a flush, asked for by name. */
export const EvictQuerySchema = z.object({ text: z.string().min(1).max(1000) });
export type EvictQuery = z.infer<typeof EvictQuerySchema>;

export const EvictResultSchema = z.object({ namespace: z.string(), evicted: count });
export type EvictResult = z.infer<typeof EvictResultSchema>;

// ---- targeted invalidation ---------------------------------------------------------------------------

const tag = z.string().min(1).max(256).toLowerCase().regex(TAG_PATTERN, 'letters, digits and _ . : / - only');

/**
 * Which entries of a namespace an eviction takes: every criterion given must hold (AND). At least one is
 * needed: emptying a namespace is an epoch flush, asked for by name.
 */
export const EntrySelectorSchema = z.object({
  /** Entries carrying any of these tags (case-folded). */
  tags: z.array(tag).min(1).max(64).optional(),
  /** Entries stored at least this many seconds ago. */
  olderThanSeconds: z.number().int().nonnegative().optional(),
  /** Entries whose answer came from this model revision (the upstream's `model`, exactly). */
  modelRevision: z.string().min(1).max(256).optional(),
  /** Entries whose answer carried this `system_fingerprint`, exactly. */
  systemFingerprint: z.string().min(1).max(256).optional(),
  endpoint: EndpointKindSchema.optional(),
  /** Case-insensitive substring of the prompt. */
  text: z.string().min(1).max(1000).optional(),
  /** Entries whose prompt is at least this similar to the given one, by the namespace's embedder. */
  similarTo: z.object({
    prompt: z.string().min(1).max(32_768),
    minSimilarity: z.number().min(0).max(1),
  }).strict().optional(),
}).strict();
export type EntrySelector = z.infer<typeof EntrySelectorSchema>;

const SELECTOR_KEYS = Object.keys(EntrySelectorSchema.shape);

export const EvictionRequestSchema = EntrySelectorSchema.extend({
  /** true: change nothing, report how many would go and a sample of them. */
  dryRun: z.boolean().default(false),
  /** How many of the matching entries to return in full, newest first. */
  sample: z.number().int().min(0).max(100).default(10),
}).strict().refine((r) => SELECTOR_KEYS.some((k) => r[k as keyof EntrySelector] !== undefined), {
  message: `name at least one of ${SELECTOR_KEYS.join(', ')}`,
});
export type EvictionRequest = z.input<typeof EvictionRequestSchema>;

export const EvictionResultSchema = z.object({
  namespace: z.string(),
  dryRun: z.boolean(),
  /** Entries the selector matched (and, unless a dry run, evicted). */
  matched: count,
  /** Up to `sample` of them, newest first. */
  sample: z.array(EntrySummarySchema),
  /** Ids of every entry evicted; [] on a dry run. */
  evicted: z.array(z.string()),
}).meta({ id: 'EvictionResult' });
export type EvictionResult = z.infer<typeof EvictionResultSchema>;

export const EpochResultSchema = z.object({
  namespace: z.string(),
  /** The new epoch: only answers stored from now on are served. */
  epoch: count,
  /** Entries of earlier epochs, never served again, reclaimed in the background. */
  superseded: count,
}).meta({ id: 'EpochResult' });
export type EpochResult = z.infer<typeof EpochResultSchema>;

// ---- probe --------------------------------------------------------------------------------------------

export const ProbeRequestSchema = z.object({
  prompt: z.string().min(1).max(32_768),
  k: z.number().int().min(1).max(50).default(5),
}).strict();
export type ProbeRequest = z.input<typeof ProbeRequestSchema>;

export const ProbeCandidateSchema = z.object({
  entry: EntrySummarySchema,
  similarity,
  /** Would a lookup with this prompt be answered by this entry at the namespace's current threshold. */
  wouldHit: z.boolean(),
  /** Set when the false-hit guard would refuse this candidate. */
  guardReason: z.string().nullable(),
});
export const ProbeResultSchema = z.object({
  namespace: z.string(),
  threshold: z.number(),
  candidates: z.array(ProbeCandidateSchema),
});
export type ProbeResponse = z.infer<typeof ProbeResultSchema>;

// ---- lookup log ---------------------------------------------------------------------------------------

export const LookupQuerySchema = z.object({
  namespace: z.string().min(1).max(512).optional(),
  outcome: LookupOutcomeSchema.optional(),
  limit: queryInt(1, 10_000).default(100),
});
export type LookupQuery = z.infer<typeof LookupQuerySchema>;

/** Newest first. */
export const LookupListSchema = z.object({ items: z.array(LookupEventSchema) });
export type LookupList = z.infer<typeof LookupListSchema>;

/** Filters of the live stream (`GET /api/lookups/stream`, server-sent events named `lookup`). */
export const LookupStreamQuerySchema = LookupQuerySchema.omit({ limit: true });
export type LookupStreamQuery = z.infer<typeof LookupStreamQuerySchema>;

// ---- analytics ----------------------------------------------------------------------------------------

/** How many recent lookups of the namespace an analysis reads (newest first; the log's capacity bounds it). */
const windowSize = queryInt(1, 1_000_000).default(10_000);

export const NearMissQuerySchema = z.object({
  /** Default: the configured margin (0.1 unless set). */
  margin: z.coerce.number().gt(0).max(1).optional(),
  limit: queryInt(1, 1000).default(50),
});
export type NearMissQuery = z.infer<typeof NearMissQuerySchema>;

/**
 * A miss whose best candidate fell short of the threshold by at most the margin, or one that passed the threshold
 * and the guard but that the verifier refused: both prompts side by side.
 */
export const NearMissSchema = z.object({
  lookupId: z.string(),
  time: z.number(),
  prompt: z.string(),
  candidateId: z.string(),
  candidatePrompt: z.string(),
  similarity,
  /** The threshold the lookup was decided with. */
  threshold: z.number(),
  /** threshold - similarity: > 0 for a miss, <= 0 for a verified-miss. */
  gap: z.number(),
  label: LabelVerdictSchema.nullable(),
  outcome: z.enum(['miss', 'verified-miss']).optional(),
  /** On a verified-miss: which verifier refused, and its score (null when it failed or timed out). */
  verifier: z.string().nullable().optional(),
  verifierScore: z.number().nullable().optional(),
}).meta({ id: 'NearMiss' });
export type NearMiss = z.infer<typeof NearMissSchema>;

export const NearMissListSchema = z.object({
  namespace: z.string(),
  margin: z.number(),
  /** The namespace's threshold now (each item keeps the one it was decided with). */
  threshold: z.number(),
  items: z.array(NearMissSchema),
});
export type NearMissList = z.infer<typeof NearMissListSchema>;

export const HistogramQuerySchema = z.object({
  bins: queryInt(1, 200).default(20),
  from: z.coerce.number().min(-1).max(1).default(0),
  to: z.coerce.number().min(-1).max(1).default(1),
  window: windowSize,
}).refine((q) => q.from < q.to, { message: 'from must be below to', path: ['from'] });
export type HistogramQuery = z.infer<typeof HistogramQuerySchema>;

/** Lookups whose best candidate's similarity fell in [from, to) (the last bin includes `to`). */
export const HistogramBinSchema = z.object({
  from: z.number(),
  to: z.number(),
  exact: count,
  semantic: count,
  miss: count,
  guarded: count,
});
export type HistogramBin = z.infer<typeof HistogramBinSchema>;

export const SimilarityHistogramSchema = z.object({
  namespace: z.string(),
  threshold: z.number(),
  /** Lookups with a best candidate that were counted; similarities outside [from, to] go to the edge bins. */
  lookups: count,
  bins: z.array(HistogramBinSchema),
}).meta({ id: 'SimilarityHistogram' });
export type SimilarityHistogram = z.infer<typeof SimilarityHistogramSchema>;

export const ThresholdPreviewQuerySchema = z.object({
  threshold: z.coerce.number().min(0).max(1),
  examples: queryInt(0, 100).default(10),
  window: windowSize,
});
export type ThresholdPreviewQuery = z.infer<typeof ThresholdPreviewQuerySchema>;

export const PreviewExampleSchema = z.object({
  lookupId: z.string(),
  time: z.number(),
  prompt: z.string(),
  candidatePrompt: z.string(),
  similarity,
  outcome: LookupOutcomeSchema,
});
export type PreviewExample = z.infer<typeof PreviewExampleSchema>;

const PreviewChangeSchema = z.object({ count, examples: z.array(PreviewExampleSchema) });

/**
 * What the recent lookups would have done at another threshold. An estimate: a miss that would now pass the
 * threshold may still be refused by the false-hit guard, which only looks at candidates above the threshold.
 */
export const ThresholdPreviewSchema = z.object({
  namespace: z.string(),
  currentThreshold: z.number(),
  proposedThreshold: z.number(),
  /** Hits and misses with a best candidate (bypassed, guarded and failed lookups do not change). */
  considered: count,
  hitsBefore: count,
  hitsAfter: count,
  missToHit: PreviewChangeSchema,
  hitToMiss: PreviewChangeSchema,
}).meta({ id: 'ThresholdPreview' });
export type ThresholdPreview = z.infer<typeof ThresholdPreviewSchema>;

// ---- export and import --------------------------------------------------------------------------------

/** `format` of an export's first line; `version` changes when a reader of the old one would misread the new one. */
export const EXPORT_FORMAT = 'semcache-export';
export const EXPORT_VERSION = 1;

/**
 * The first line of an export (JSON Lines: one object per line, then one entry per line). The embedder tells an
 * importer whether the vectors can be reused: only with the same provider, model, version and dimensions.
 */
export const ExportHeaderSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  namespace: z.string().min(1),
  embedder: EmbedderIdentitySchema,
  /** Whether entry lines carry `vector` (base64 of little-endian float32). */
  vectors: z.boolean(),
  exportedAt: z.number(),
  /** Entries in the namespace when the export began (some may go before they are written). */
  entries: count,
}).meta({ id: 'ExportHeader' });
export type ExportHeader = z.infer<typeof ExportHeaderSchema>;

export const ExportQuerySchema = z.object({
  /** false: no vectors; the importer then embeds every prompt itself. */
  vectors: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
});
export type ExportQuery = z.infer<typeof ExportQuerySchema>;

export const ImportQuerySchema = z.object({
  /** true: every line is read and checked, and the report made, but nothing is added (vectors are not computed). */
  dryRun: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});
export type ImportQuery = z.infer<typeof ImportQuerySchema>;

export const ImportLineErrorSchema = z.object({ line: z.number().int().positive(), reason: z.string() });
export type ImportLineError = z.infer<typeof ImportLineErrorSchema>;

/** One import, while it runs and after: the counts grow as lines are read. */
export const ImportProgressSchema = z.object({
  id: z.string(),
  namespace: z.string(),
  /** Name of the token that started it. */
  by: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  /** A check only: `imported` and `recomputed` count what would have been. */
  dryRun: z.boolean(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  /** Entries the export's header announced (null until the header is read): the figure `linesRead` runs towards. */
  expected: count.nullable(),
  /** Lines read after the header, blank ones not counted. */
  linesRead: count,
  imported: count,
  /** Entries already expired: valid, but never served, so not added. */
  skipped: count,
  /** Bad lines: each is listed in `errors` (the first 100) with its line number. */
  failed: count,
  /** Imported entries whose vector this server's embedder computed (the export's embedder differs, or none was sent). */
  recomputed: count,
  errors: z.array(ImportLineErrorSchema),
  /** Why a failed import stopped early (the lines before were applied); null otherwise. */
  error: z.string().nullable(),
}).meta({ id: 'ImportProgress' });
export type ImportProgress = z.infer<typeof ImportProgressSchema>;

export const ImportListQuerySchema = z.object({ namespace: z.string().min(1).max(512).optional() });
export type ImportListQuery = z.infer<typeof ImportListQuerySchema>;

/** Running imports first, then finished ones, newest first. */
export const ImportListSchema = z.object({ items: z.array(ImportProgressSchema) });
export type ImportList = z.infer<typeof ImportListSchema>;
