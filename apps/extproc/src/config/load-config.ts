import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { ConfigSchema, type Config } from '@semcache/shared';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;
type Tree = Record<string, unknown>;

const num = (v: string): number | string => (/^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v);
const bool = (v: string): boolean | string => (/^(true|1|yes|on)$/i.test(v) ? true : /^(false|0|no|off)$/i.test(v) ? false : v);
const list = (v: string): string[] => v.split(',').map((s) => s.trim());

/** Environment variable -> config path and conversion. The README's settings table lists the same. */
export const ENV_VARS: Record<string, { path: string; parse: (v: string) => unknown }> = {
  GRPC_HOST: { path: 'grpc.host', parse: String },
  GRPC_TLS_CERT: { path: 'grpc.tls.certFile', parse: String },
  GRPC_TLS_KEY: { path: 'grpc.tls.keyFile', parse: String },
  GRPC_TLS_CLIENT_CA: { path: 'grpc.tls.clientCaFile', parse: String },
  GRPC_PORT: { path: 'grpc.port', parse: num },
  GRPC_MAX_RECEIVE_BYTES: { path: 'grpc.maxReceiveMessageBytes', parse: num },
  GRPC_STREAM_RESET_BURST: { path: 'grpc.streamResetBurst', parse: num },
  GRPC_STREAM_RESET_RATE: { path: 'grpc.streamResetRate', parse: num },
  HTTP_HOST: { path: 'http.host', parse: String },
  HTTP_PORT: { path: 'http.port', parse: num },
  HTTP_ALLOWED_HOSTS: { path: 'http.allowedHosts', parse: list },
  HTTP_REQUEST_TIMEOUT_MS: { path: 'http.requestTimeoutMs', parse: num },
  ADMIN_ALLOWED_ORIGINS: { path: 'admin.allowedOrigins', parse: list },
  ADMIN_MAX_IMPORT_BYTES: { path: 'admin.maxImportBytes', parse: num },
  PATH_PREFIXES: { path: 'pathPrefixes', parse: list },
  ENDPOINTS: { path: 'endpoints', parse: list },
  TENANT_HEADER: { path: 'tenantHeader', parse: String },
  TENANT_REQUIRED: { path: 'tenant.required', parse: bool },
  ROUTE_PATH: { path: 'route.path', parse: bool },
  ROUTE_AUTHORITY: { path: 'route.authority', parse: bool },
  ROUTE_HEADERS: { path: 'route.headers', parse: list },
  CACHE_TAGS_HEADER: { path: 'tags.header', parse: String },
  CACHE_TAGS_MAX: { path: 'tags.maxCount', parse: num },
  CACHE_TAGS_MAX_LENGTH: { path: 'tags.maxLength', parse: num },
  SIMILARITY_THRESHOLD: { path: 'defaults.threshold', parse: num },
  CACHE_TTL_SECONDS: { path: 'defaults.ttlSeconds', parse: num },
  CACHE_MAX_ENTRIES: { path: 'defaults.maxEntries', parse: num },
  CACHE_GUARD: { path: 'defaults.guard', parse: bool },
  CACHE_CLIENT_CONTROLS: { path: 'defaults.clientControls', parse: String },
  CACHE_VERIFIER: { path: 'defaults.verifier', parse: bool },
  VERIFIER_THRESHOLD: { path: 'defaults.verifierThreshold', parse: num },
  VERIFIER_TIMEOUT_MS: { path: 'defaults.verifierTimeoutMs', parse: num },
  VERIFIER: { path: 'verifierModel.kind', parse: String },
  VERIFIER_NLI_MODEL_DIR: { path: 'verifierModel.nliModelDir', parse: String },
  VERIFIER_CROSS_ENCODER_MODEL_DIR: { path: 'verifierModel.crossEncoderModelDir', parse: String },
  VERIFIER_THREADS: { path: 'verifierModel.threads', parse: num },
  VERIFIER_MAX_QUEUED: { path: 'verifierModel.maxQueued', parse: num },
  CACHE_MAX_TTL_SECONDS: { path: 'defaults.maxTtlSeconds', parse: num },
  VERIFIER_CANDIDATE_THRESHOLD: { path: 'defaults.verifierCandidateThreshold', parse: num },
  CACHE_ONLINE: { path: 'defaults.online', parse: bool },
  CACHE_ERROR_BOUND: { path: 'defaults.errorBound', parse: num },
  CACHE_MAX_EXPLORE_RATE: { path: 'defaults.maxExploreRate', parse: num },
  CACHE_MAX_ENTRIES_TOTAL: { path: 'maxEntriesTotal', parse: num },
  CACHE_MAX_BYTES: { path: 'memory.maxBytes', parse: num },
  CACHE_MAX_BYTES_PER_NAMESPACE: { path: 'memory.maxBytesPerNamespace', parse: num },
  CACHE_MAX_ENTRY_BYTES: { path: 'maxEntryBytes', parse: num },
  INDEX_PRECISION: { path: 'index.precision', parse: String },
  EMBEDDER: { path: 'embedder.provider', parse: String },
  EMBEDDING_MODEL_SERVER: { path: 'embedder.url', parse: String },
  EMBEDDING_MODEL_HOST: { path: 'embedder.host', parse: String },
  EMBEDDING_MODEL: { path: 'embedder.model', parse: String },
  EMBEDDING_API_KEY: { path: 'embedder.apiKey', parse: String },
  EMBEDDING_TIMEOUT_MS: { path: 'embedder.timeoutMs', parse: num },
  EMBEDDING_DIMENSIONS: { path: 'embedder.dimensions', parse: num },
  EMBEDDING_MODEL_DIR: { path: 'embedder.modelDir', parse: String },
  EMBEDDING_HUB_URL: { path: 'embedder.hubUrl', parse: String },
  EMBEDDING_HUB_CACHE_DIR: { path: 'embedder.hubCacheDir', parse: String },
  EMBEDDING_HUB_DOWNLOAD: { path: 'embedder.allowRemote', parse: bool },
  EMBEDDING_THREADS: { path: 'embedder.threads', parse: num },
  EMBEDDING_BATCH_WINDOW_MS: { path: 'embedder.batchWindowMs', parse: num },
  EMBEDDING_MAX_BATCH: { path: 'embedder.maxBatch', parse: num },
  EMBEDDING_WORKERS: { path: 'embedder.workers', parse: num },
  CACHE_MAX_NAMESPACES: { path: 'maxNamespaces', parse: num },
  CACHE_MODELS: { path: 'allowedModels', parse: list },
  CACHE_NAMESPACE_IDLE_SECONDS: { path: 'namespaceIdleSeconds', parse: num },
  CACHE_MAX_PROMPT_CHARS: { path: 'maxPromptChars', parse: num },
  SINGLEFLIGHT_WAIT_MS: { path: 'singleflight.waitMs', parse: num },
  LOOKUP_LOG_CAPACITY: { path: 'lookupLog.capacity', parse: num },
  TOKEN_USAGE: { path: 'tokenUsage.enabled', parse: bool },
  TOKEN_METADATA_NAMESPACE: { path: 'tokenUsage.metadataNamespace', parse: String },
  METRICS_MAX_NAMESPACES: { path: 'metrics.maxNamespaces', parse: num },
  METRICS_REQUIRE_TOKEN: { path: 'metrics.requireToken', parse: bool },
  METRICS_TOKEN: { path: 'metrics.tokens', parse: list },
  METRICS_TENANT_LABELS: { path: 'metrics.tenantLabels', parse: String },
  METRICS_TENANT_HASH_KEY: { path: 'metrics.tenantHashKey', parse: String },
  LOG_LEVEL: { path: 'logLevel', parse: String },
  OTEL_EXPORTER_OTLP_ENDPOINT: { path: 'tracing.endpoint', parse: String },
  OTEL_SERVICE_NAME: { path: 'tracing.serviceName', parse: String },
  ADMIN_TOKEN: { path: 'admin.adminTokens', parse: list },
  ADMIN_READ_TOKEN: { path: 'admin.readTokens', parse: list },
  ADMIN_NEAR_MISS_MARGIN: { path: 'admin.nearMissMargin', parse: num },
  STORE: { path: 'store.mode', parse: String },
  DATA_DIR: { path: 'store.dataDir', parse: String },
  PERSIST: { path: 'store.persist', parse: bool },
  SNAPSHOT_INTERVAL_MS: { path: 'store.snapshotIntervalMs', parse: num },
  FSYNC_INTERVAL_MS: { path: 'store.fsyncIntervalMs', parse: num },
  DATA_DIR_LOCK_STALE_MS: { path: 'store.lockStaleMs', parse: num },
  REDIS_URL: { path: 'store.redisUrl', parse: String },
  REDIS_CLUSTER: { path: 'store.redisCluster', parse: bool },
  REDIS_PREFIX: { path: 'store.redisPrefix', parse: String },
};

function setPath(tree: Tree, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = tree;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Tree;
  }
  node[parts.at(-1)!] = value;
}

function readFile(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`CONFIG_FILE ${file}: ${(err as Error).message}`);
  }
  try {
    const doc: unknown = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
    if (doc === null || doc === undefined) return {};
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('the top level must be a mapping');
    return doc as Tree;
  } catch (err) {
    throw new ConfigError(`CONFIG_FILE ${file}: ${(err as Error).message}`);
  }
}

/**
 * The original setup configured a KServe embedder with EMBEDDING_MODEL_SERVER alone; keep that working.
 * A provider set only by env on top of a file's other provider starts from a clean embedder block.
 */
function embedderFromEnv(tree: Tree, env: Env): void {
  const emb = (tree.embedder ?? {}) as Tree;
  if (env.EMBEDDER === undefined && emb.provider === undefined && env.EMBEDDING_MODEL_SERVER !== undefined) {
    emb.provider = 'kserve';
  }
  const onnxKeys = ['modelDir', 'hubUrl', 'hubCacheDir', 'allowRemote', 'threads', 'batchWindowMs', 'maxBatch'];
  if (emb.provider === undefined && onnxKeys.some((k) => k in emb)) emb.provider = 'onnx';
  if (emb.provider === undefined && Object.keys(emb).length > 0) emb.provider = 'builtin';
  if (Object.keys(emb).length > 0) tree.embedder = emb;
}

/** File first, environment on top, then one validation that names the field at fault. */
export function loadConfig(env: Env = process.env, overrides: Tree = {}): Config {
  const tree: Tree = env.CONFIG_FILE ? readFile(env.CONFIG_FILE) : {};
  for (const [name, { path, parse }] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') setPath(tree, path, parse(raw));
  }
  embedderFromEnv(tree, env);
  // DATA_DIR set but empty is the conventional way to say "no data directory".
  if (env.DATA_DIR === '') setPath(tree, 'store.persist', false);
  for (const [path, value] of Object.entries(overrides)) setPath(tree, path, value);
  const parsed = ConfigSchema.safeParse(tree);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The configuration as logged at start: secrets replaced. */
export function redactConfig(config: Config): unknown {
  const secret = (value: unknown): boolean =>
    typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
  return JSON.parse(JSON.stringify(config, (key, value: unknown) =>
    /key|token|secret|password/i.test(key) && secret(value) ? (Array.isArray(value) ? value.map(() => '[redacted]') : '[redacted]') : value,
  ));
}
