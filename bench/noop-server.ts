/**
 * A no-op ext_proc server: the same grpc-js server, settings and stream loop as the semantic cache, with a
 * processor that answers CONTINUE to everything. bench/hit-path.ts runs it beside the real server to show the
 * transport's limit. Configured like the real server (GRPC_HOST, GRPC_PORT, GRPC_STREAM_RESET_*, CONFIG_FILE):
 *   node bench/noop-server.ts
 */
import { loadConfig } from '../apps/extproc/src/config/load-config.ts';
import { startGrpcServer } from '../apps/extproc/src/grpc/grpc-server.ts';
import { createLogger } from '../apps/extproc/src/logger.ts';
import { noopProcessor } from './lib/noop-processor.ts';

const config = loadConfig();
const logger = createLogger(config.logLevel);
const server = await startGrpcServer({ config: config.grpc, logger, newProcessor: noopProcessor });
logger.info({ grpcPort: server.port }, 'no-op ext_proc server listening');

const stop = (): void => {
  void server.close(1000).then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
