import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { loadExternalProcessor } from '@semcache/proto';
import type { Config } from '@semcache/shared';
import type { Logger } from 'pino';
import type { StreamProcessor } from './processor.ts';
import { grpcListenHost, grpcServerCredentials } from './grpc-transport.ts';
import { runStream, type ProcessStream } from './stream-loop.ts';

export interface GrpcServerOptions {
  config: Config['grpc'];
  logger: Logger;
  newProcessor: () => StreamProcessor;
  onStreamEnd?: (seconds: number) => void;
  onFailure?: (err: unknown) => void;
}

export interface RunningGrpcServer {
  port: number;
  health: HealthImplementation;
  /** Stops taking streams, lets those in flight finish for up to `graceMs`, then cuts the rest. */
  close(graceMs: number): Promise<void>;
}

function channelOptions(cfg: Config['grpc']): grpc.ServerOptions {
  const options: grpc.ServerOptions = {
    'grpc.max_receive_message_length': cfg.maxReceiveMessageBytes,
    'grpc.max_send_message_length': cfg.maxReceiveMessageBytes,
    'grpc.keepalive_time_ms': cfg.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': cfg.keepaliveTimeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
  };
  if (cfg.maxConnectionAgeMs > 0) {
    options['grpc.max_connection_age_ms'] = cfg.maxConnectionAgeMs;
    options['grpc.max_connection_age_grace_ms'] = cfg.maxConnectionAgeGraceMs;
  }
  return options;
}

export async function startGrpcServer(opts: GrpcServerOptions): Promise<RunningGrpcServer> {
  const { config, logger } = opts;
  const server = new grpc.Server(channelOptions(config));
  // grpc-js hands these to http2.createServer. Envoy resets every stream it ends; Node's default allows a
  // burst of 1,000 resets and 33/s, then sends GOAWAY and fails every stream on the connection.
  const common = (server as unknown as { commonServerOptions: Record<string, unknown> }).commonServerOptions;
  common.streamResetBurst = config.streamResetBurst;
  common.streamResetRate = config.streamResetRate;

  server.addService(loadExternalProcessor().service, {
    Process: (call: ProcessStream) => runStream(call, { newProcessor: opts.newProcessor, logger, onStreamEnd: opts.onStreamEnd, onFailure: opts.onFailure }),
  });
  const health = new HealthImplementation({ '': 'SERVING', 'envoy.service.ext_proc.v3.ExternalProcessor': 'SERVING' });
  health.addToServer(server);

  const credentials = grpcServerCredentials(config.tls);
  const host = grpcListenHost(config, logger);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${config.port}`, credentials, (err, bound) =>
      err ? reject(err) : resolve(bound),
    );
  });
  return {
    port,
    health,
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        health.setStatus('', 'NOT_SERVING');
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        timer.unref();
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
