import { z } from 'zod';
import { NamespaceSettingsSchema } from './namespace.ts';

const port = z.number().int().min(0).max(65535);
const url = z.string().url();
const timeoutMs = z.number().int().positive().default(2000);

export const EmbedderConfigSchema = z.discriminatedUnion('provider', [
  z.object({
    provider: z.literal('builtin'),
    dimensions: z.number().int().min(64).max(8192).default(512),
  }),
  z.object({
    provider: z.literal('openai'),
    url,
    model: z.string().min(1),
    apiKey: z.string().optional(),
    dimensions: z.number().int().positive().optional(),
    timeoutMs,
  }),
  z.object({
    provider: z.literal('kserve'),
    /** The predictor's `:predict` URL, e.g. http://embedder.default.svc/v1/models/minilm:predict */
    url,
    /** Host header to send, as KServe's ingress gateway routes by Host. */
    host: z.string().optional(),
    model: z.string().default('kserve'),
    timeoutMs,
  }),
  z.object({
    provider: z.literal('tei'),
    url,
    model: z.string().default('tei'),
    timeoutMs,
  }),
  z.object({
    provider: z.literal('onnx'),
    /** A local directory holding a sentence-transformers model in ONNX form plus its tokenizer files. */
    modelDir: z.string().min(1),
  }),
]);
export type EmbedderConfig = z.infer<typeof EmbedderConfigSchema>;

/** Where the cache lives beyond the process: see docs/storage.md. */
export const StoreConfigSchema = z.object({
  /** memory: one replica, snapshots + change log on disk; redis: many replicas share one cache. */
  mode: z.enum(['memory', 'redis']).default('memory'),
  /** memory mode: snapshots and the change log go here (relative to the working directory). */
  dataDir: z.string().min(1).default('./data'),
  /** memory mode: false keeps the cache in memory only (lost on restart). */
  persist: z.boolean().default(true),
  snapshotIntervalMs: z.number().int().min(1000).default(60_000),
  /** New changes reach the disk at least this often: a crash loses at most this much. */
  fsyncIntervalMs: z.number().int().min(10).max(1000).default(250),
  redisUrl: url.default('redis://127.0.0.1:6379'),
  /** Every key is `{prefix}:...`: the hash tag keeps them in one Redis Cluster slot. */
  redisPrefix: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only').default('semcache'),
  /** Approximate length the change stream is trimmed to; it need only cover what a connected replica has yet to read. */
  redisStreamMaxLen: z.number().int().min(1000).default(100_000),
});
export type StoreConfig = z.infer<typeof StoreConfigSchema>;

/** A bearer token of the admin API: a bare secret, or a name (shown in audit lines) with its secret. */
const adminTokenList = (role: 'read' | 'admin') =>
  z.array(z.union([
    z.string().min(16, 'a token has at least 16 characters'),
    z.object({
      name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits and _ . - only'),
      token: z.string().min(16, 'a token has at least 16 characters'),
    }),
  ])).default([]).transform((tokens) =>
    tokens.map((t, i) => (typeof t === 'string' ? { name: `${role}-${i + 1}`, token: t } : t)));

export const AdminConfigSchema = z.object({
  /** May read everything. With no token of either kind, the HTTP port binds to 127.0.0.1 only. */
  readTokens: adminTokenList('read'),
  /** May read and change everything. */
  adminTokens: adminTokenList('admin'),
  /** A miss is a near miss when its best similarity is at most this far below the threshold. */
  nearMissMargin: z.number().gt(0).max(1).default(0.1),
  maxBodyBytes: z.number().int().positive().default(256 * 1024),
});
export type AdminConfig = z.infer<typeof AdminConfigSchema>;

const headerName = z.string().toLowerCase().regex(/^[a-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name (token characters only)');

/**
 * Token figures for gateways that budget LLM use: response headers plus ext_proc dynamic metadata. A streamed
 * (SSE) miss gets the metadata only: its headers have reached the client before the usage chunk arrives.
 */
export const TokenUsageConfigSchema = z.object({
  enabled: z.boolean().default(true),
  headers: z.object({
    promptTokens: headerName.default('x-openai-prompt-tokens'),
    completionTokens: headerName.default('x-openai-completion-tokens'),
    totalTokens: headerName.default('x-openai-total-tokens'),
    /** On a hit: the cached answer's total, tokens the model did not have to spend. */
    tokensSaved: headerName.default('x-semantic-cache-tokens-saved'),
  }).prefault({}),
  /** Envoy keeps it only if listed in the filter's `metadata_options.receiving_namespaces.untyped`. */
  metadataNamespace: z.string().min(1).default('envoy.filters.http.ext_proc'),
});
export type TokenUsageConfig = z.infer<typeof TokenUsageConfigSchema>;

export const ConfigSchema = z.object({
  grpc: z.object({
    host: z.string().default('0.0.0.0'),
    port: port.default(50051),
    maxReceiveMessageBytes: z.number().int().positive().default(8 * 1024 * 1024),
    /**
     * Envoy resets every ext_proc stream when it ends; Node's HTTP/2 default (burst 1000, 33/s) closes the
     * connection under ordinary load. These allow far more resets than an Envoy sends, while a flood from a
     * misbehaving client still ends only that client's connection.
     */
    streamResetBurst: z.number().int().positive().default(100_000),
    streamResetRate: z.number().int().positive().default(20_000),
    keepaliveTimeMs: z.number().int().positive().default(30_000),
    keepaliveTimeoutMs: z.number().int().positive().default(10_000),
    /** 0 = connections live as long as Envoy keeps them. */
    maxConnectionAgeMs: z.number().int().nonnegative().default(0),
    maxConnectionAgeGraceMs: z.number().int().nonnegative().default(30_000),
  }).prefault({}),
  http: z.object({
    host: z.string().default('0.0.0.0'),
    port: port.default(8080),
    maxBodyBytes: z.number().int().positive().default(1024 * 1024),
  }).prefault({}),
  /** Path prefixes under which `/v1/completions` and `/v1/chat/completions` are served ('' = at the root). */
  pathPrefixes: z.array(z.string().regex(/^(\/[^/?#]+)*$/, 'a prefix starts with / and has no trailing /')).default(['', '/openai']),
  /** Request header whose value splits a model's namespace per tenant. */
  tenantHeader: z.string().toLowerCase().optional(),
  defaults: z.object({
    /** Unset = the embedder's own default, measured by bench/hit-quality. */
    threshold: z.number().min(0).max(1).optional(),
    ttlSeconds: z.number().int().positive().default(3600),
    maxEntries: z.number().int().positive().default(10_000),
    enabled: z.boolean().default(true),
    guard: z.boolean().default(true),
  }).prefault({}),
  /** Per-model overrides of the defaults, keyed by model name. */
  models: z.record(z.string(), NamespaceSettingsSchema.partial()).default({}),
  maxEntriesTotal: z.number().int().positive().default(100_000),
  /** A request for a model beyond this many namespaces passes through uncached (a bound on unknown models). */
  maxNamespaces: z.number().int().positive().default(1000),
  /** Answers larger than this are passed on but never stored. */
  maxEntryBytes: z.number().int().positive().default(4 * 1024 * 1024),
  /** Prompts longer than this many characters pass through uncached. */
  maxPromptChars: z.number().int().positive().default(32_768),
  streaming: z.object({
    /** Put the `stream` flag in the exact-match fingerprint, so streamed and plain requests never share answers. */
    fingerprintStream: z.boolean().default(false),
  }).prefault({}),
  tokenUsage: TokenUsageConfigSchema.prefault({}),
  sweepIntervalMs: z.number().int().positive().default(30_000),
  embedder: EmbedderConfigSchema.default({ provider: 'builtin', dimensions: 512 }),
  lookupLog: z.object({ capacity: z.number().int().positive().default(10_000) }).prefault({}),
  metrics: z.object({
    /** Namespaces that get their own label on /metrics; the rest share `other`, so series stay bounded. */
    maxNamespaces: z.number().int().positive().default(100),
  }).prefault({}),
  store: StoreConfigSchema.prefault({}),
  admin: AdminConfigSchema.prefault({}),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});
export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
