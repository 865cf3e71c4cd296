import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { Config, GrpcTlsConfig } from '@semcache/shared';
import type { Logger } from 'pino';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export class GrpcTlsError extends Error {
  override name = 'GrpcTlsError';
}

/**
 * Whoever reaches the ext_proc port acts as Envoy: reads any tenant's answers and stores any answer. So
 * without mTLS the port stays on loopback unless the operator names another address, and the log says so.
 */
export function grpcListenHost(cfg: Config['grpc'], logger: Logger): string {
  if (cfg.host === undefined) return cfg.tls ? '0.0.0.0' : '127.0.0.1';
  if (!cfg.tls && !LOOPBACK.has(cfg.host)) {
    logger.warn(
      { host: cfg.host },
      'the ext_proc port listens beyond loopback without mTLS (GRPC_TLS_*): restrict who reaches it (a NetworkPolicy, a firewall)',
    );
  }
  return cfg.host;
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new GrpcTlsError(`ext_proc TLS ${what} ${file}: ${(err as Error).message}`);
  }
}

/** Insecure without tls; else the server certificate, and a client certificate signed by the CA is required. */
export function grpcServerCredentials(tls: GrpcTlsConfig | undefined): grpc.ServerCredentials {
  if (!tls) return grpc.ServerCredentials.createInsecure();
  const certChain = readPem(tls.certFile, 'certFile');
  const privateKey = readPem(tls.keyFile, 'keyFile');
  const clientCa = readPem(tls.clientCaFile, 'clientCaFile');
  try {
    return grpc.ServerCredentials.createSsl(clientCa, [{ private_key: privateKey, cert_chain: certChain }], true);
  } catch (err) {
    throw new GrpcTlsError(`ext_proc TLS: ${(err as Error).message}`);
  }
}
