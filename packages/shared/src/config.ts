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
  sweepIntervalMs: z.number().int().positive().default(30_000),
  embedder: EmbedderConfigSchema.default({ provider: 'builtin', dimensions: 512 }),
  lookupLog: z.object({ capacity: z.number().int().positive().default(10_000) }).prefault({}),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});
export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
