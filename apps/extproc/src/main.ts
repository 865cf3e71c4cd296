import { ConfigError, loadConfig, redactConfig } from './config/load-config.ts';
import { GrpcTlsError } from './grpc/grpc-transport.ts';
import { createLogger } from './logger.ts';
import { startServer } from './server.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`semcache: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  logger.info({ config: redactConfig(config) }, 'effective configuration');
  const server = await startServer({ config, logger });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof GrpcTlsError) {
    process.stderr.write(`semcache: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`semcache: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
