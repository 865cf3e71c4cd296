import { serve, type ServerType } from '@hono/node-server';
import type { Config } from '@semcache/shared';
import type { Logger } from 'pino';
import { BurstLookup } from './cache/burst-lookup.ts';
import { CacheEngine, type FalseHitGuard } from './cache/cache-engine.ts';
import type { OnlinePolicy } from './online/online-policy.ts';
import { EngineAdmin } from './cache/engine-admin.ts';
import { memoryBudget, readMemoryLimits, withMemoryBudget } from './config/memory-budget.ts';
import { createEmbedder } from './embedders/create-embedder.ts';
import type { Embedder } from './embedders/embedder.ts';
import { CacheProcessor } from './grpc/cache-processor.ts';
import { startGrpcServer } from './grpc/grpc-server.ts';
import { createHttpApp } from './http/http-app.ts';
import { adminApi, httpListenHost, metricsTokens } from './http/admin-api.ts';
import { mountDashboard } from './http/dashboard-static.ts';
import { checkFalseHit } from './guard/false-hit-guard.ts';
import { createCacheMetrics } from './metrics/cache-metrics.ts';
import { mountMetrics } from './metrics/metrics-route.ts';
import type { CacheStore } from './stores/cache-store.ts';
import { createStore } from './stores/create-store.ts';
import { ReasonLog } from './reason-log.ts';
import { createVerifier } from './verifier/create-verifier.ts';
import type { Verifier } from './verifier/verifier.ts';
import { startTracing } from './tracing/start-tracing.ts';
import { TracedEmbedder, tracedGuard } from './tracing/traced-parts.ts';
import { TracedProcessor } from './tracing/traced-processor.ts';
import { EngineTransfer } from './transfer/engine-transfer.ts';

export interface StartOptions {
  config: Config;
  logger: Logger;
  /** Tests inject embedders and clocks; production builds the embedder from config. */
  embedder?: Embedder;
  guard?: FalseHitGuard;
  /** Tests inject failing or slow verifiers; production loads the one `verifierModel.kind` names. */
  verifier?: Verifier;
  /** Tests seed online verification's random source. */
  online?: OnlinePolicy;
  now?: () => number;
}

export interface RunningServer {
  grpcPort: number;
  httpPort: number;
  engine: CacheEngine;
  admin: EngineAdmin;
  /** Lookups that coalesce concurrent identical misses. */
  burst: BurstLookup;
  /** Null when the cache lives in memory only. */
  store: CacheStore | null;
  close(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 5_000;

/** Wiring only: builds the parts from config, starts both ports, and stops them in order. */
export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const { logger } = opts;
  const budget = memoryBudget(opts.config, readMemoryLimits());
  const config = withMemoryBudget(opts.config, budget);
  logger.info({ memoryBudget: budget }, 'memory budget: least recently used entries are evicted to stay under it');
  const embedder = opts.embedder ?? (await createEmbedder(config.embedder, logger));
  try {
    // Before loading: entries of other dimensions than the embedder's are then set aside, not loaded.
    await embedder.start?.();
  } catch (err) {
    logger.warn({ err, embedder: embedder.identity }, 'embedder not ready at start: its dimensions are learned when it answers (set EMBEDDING_DIMENSIONS to avoid this)');
  }
  const verifier = opts.verifier ?? (await createVerifier(config, embedder.identity));
  const tracing = startTracing(config.tracing, logger);
  const guard = opts.guard ?? checkFalseHit;
  const engine = new CacheEngine({
    config,
    embedder: tracing ? new TracedEmbedder(embedder) : embedder,
    guard: tracing ? tracedGuard(guard) : guard,
    verifier,
    online: opts.online,
    now: opts.now,
    indexPrecision: config.index.precision,
  });
  const admin = new EngineAdmin(engine);
  const metrics = createCacheMetrics({
    engine, maxNamespaces: config.metrics.maxNamespaces, tenantLabels: config.metrics.tenantLabels, tenantHashKey: config.metrics.tenantHashKey,
  });
  // Loaded before the ports open: the first request already sees the cache as it was.
  const store = createStore({ config: config.store, engine, logger, registry: metrics.registry });
  await store?.start();

  const uncacheableLog = new ReasonLog(logger, 'info', 'request passed through uncached');
  const badTagsLog = new ReasonLog(logger, 'warn', `${config.tags.header} header ignored: the answer is stored without tags`);
  const failureLog = new ReasonLog(logger, 'error', 'ext_proc processor failed; passing the request through');
  const onUncacheable = (reason: string): void => {
    metrics.uncacheable(reason);
    uncacheableLog.note(reason);
  };
  const burst = new BurstLookup(engine, { waitMs: config.singleflight.waitMs, onWait: metrics.burstWaited });
  const grpcServer = await startGrpcServer({
    config: config.grpc,
    logger,
    newProcessor: () => {
      const processor = new CacheProcessor({ engine, burst, config, logger, onStoreSkipped: metrics.storeSkipped, onUncacheable,
        onBadTags: (reason) => {
          metrics.badTags(reason);
          badTagsLog.note(reason);
        } });
      return tracing ? new TracedProcessor(processor) : processor;
    },
    onStreamEnd: metrics.observeStreamEnd,
    onFailure: (err) => {
      const reason = err instanceof Error ? err.name : 'unknown';
      metrics.processorFailed(reason);
      if (!failureLog.note(reason, { err })) logger.debug({ err }, 'ext_proc processor failed; passing the request through');
    },
  });
  let ready = true;
  const api = adminApi(config.admin, admin, logger, new EngineTransfer(engine));
  const app = createHttpApp({
    ready: () => ready,
    allowedHosts: config.http.allowedHosts,
    mount: (a) => {
      api.mount(a);
      mountMetrics(a, metrics.registry, metricsTokens(config));
      // Last: it answers every GET path the routes above do not.
      mountDashboard(a);
    },
  });
  const http = await listen(app.fetch, httpListenHost(config.http.host, config.admin, logger), config.http.port, config.http.requestTimeoutMs);

  const sweep = setInterval(() => {
    const removed = engine.sweepExpired();
    if (removed > 0) logger.debug({ removed }, 'expired entries swept');
  }, config.sweepIntervalMs);
  sweep.unref();

  logger.info({ grpcPort: grpcServer.port, httpPort: http.port, embedder: embedder.identity }, 'semantic cache listening');
  return {
    grpcPort: grpcServer.port,
    httpPort: http.port,
    engine,
    burst,
    admin,
    store,
    async close() {
      ready = false;
      clearInterval(sweep);
      await grpcServer.close(SHUTDOWN_GRACE_MS);
      api.stop();
      await new Promise<void>((resolve) => http.server.close(() => resolve()));
      // After the ports: no request changes the cache any more, so the final snapshot misses nothing.
      await store?.close();
      await embedder.close?.();
      await verifier.close?.();
      metrics.close();
      await tracing?.close();
    },
  };
}

/**
 * Node answers 408 to a request whose body has not arrived whole within requestTimeout, checked every
 * connectionsCheckingInterval: an import's body arrives only as fast as its entries are added.
 */
function listen(fetch: Parameters<typeof serve>[0]['fetch'], hostname: string, port: number, requestTimeout: number): Promise<{ server: ServerType; port: number }> {
  const connectionsCheckingInterval = requestTimeout === 0 ? 30_000 : Math.min(30_000, Math.max(100, requestTimeout / 4));
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port, serverOptions: { requestTimeout, connectionsCheckingInterval } }, (info) => resolve({ server, port: info.port }));
    server.once('error', reject);
  });
}
