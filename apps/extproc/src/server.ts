import { serve, type ServerType } from '@hono/node-server';
import type { Config } from '@semcache/shared';
import type { Logger } from 'pino';
import { CacheEngine, type FalseHitGuard } from './cache/cache-engine.ts';
import { EngineAdmin } from './cache/engine-admin.ts';
import { createEmbedder } from './embedders/create-embedder.ts';
import type { Embedder } from './embedders/embedder.ts';
import { CacheProcessor } from './grpc/cache-processor.ts';
import { startGrpcServer } from './grpc/grpc-server.ts';
import { createHttpApp } from './http/http-app.ts';
import { checkFalseHit } from './guard/false-hit-guard.ts';

export interface StartOptions {
  config: Config;
  logger: Logger;
  /** Tests inject embedders and clocks; production builds the embedder from config. */
  embedder?: Embedder;
  guard?: FalseHitGuard;
  now?: () => number;
}

export interface RunningServer {
  grpcPort: number;
  httpPort: number;
  engine: CacheEngine;
  admin: EngineAdmin;
  close(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 5_000;

/** Wiring only: builds the parts from config, starts both ports, and stops them in order. */
export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const { config, logger } = opts;
  const embedder = opts.embedder ?? (await createEmbedder(config.embedder));
  const engine = new CacheEngine({ config, embedder, guard: opts.guard ?? checkFalseHit, now: opts.now });
  const admin = new EngineAdmin(engine);

  const grpcServer = await startGrpcServer({
    config: config.grpc,
    logger,
    newProcessor: () => new CacheProcessor({ engine, config, logger }),
  });
  let ready = true;
  const app = createHttpApp({ ready: () => ready });
  const http = await listen(app.fetch, config.http.host, config.http.port);

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
    admin,
    async close() {
      ready = false;
      clearInterval(sweep);
      await grpcServer.close(SHUTDOWN_GRACE_MS);
      await new Promise<void>((resolve) => http.server.close(() => resolve()));
      await embedder.close?.();
    },
  };
}

function listen(fetch: Parameters<typeof serve>[0]['fetch'], hostname: string, port: number): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, (info) => resolve({ server, port: info.port }));
    server.once('error', reject);
  });
}
