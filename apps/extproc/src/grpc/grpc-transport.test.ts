import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../config/load-config.ts';
import { GrpcTlsError, grpcListenHost, grpcServerCredentials } from './grpc-transport.ts';

function capture(): { logger: pino.Logger; warnings: string[] } {
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => { warnings.push((JSON.parse(line) as { msg: string }).msg); } });
  return { logger, warnings };
}

const tls = { certFile: '/x.crt', keyFile: '/x.key', clientCaFile: '/ca.crt' };

describe('grpcListenHost', () => {
  it('stays on loopback by default without mTLS, and on every interface with it', () => {
    const { logger, warnings } = capture();
    assert.equal(grpcListenHost(loadConfig({}).grpc, logger), '127.0.0.1');
    assert.equal(grpcListenHost(loadConfig({}, { 'grpc.tls': tls }).grpc, logger), '0.0.0.0');
    assert.deepEqual(warnings, []);
  });

  it('keeps an address the operator chose, warning when it is not loopback and has no mTLS', () => {
    const { logger, warnings } = capture();
    assert.equal(grpcListenHost(loadConfig({ GRPC_HOST: '0.0.0.0' }).grpc, logger), '0.0.0.0');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /without mTLS/);
    assert.equal(grpcListenHost(loadConfig({ GRPC_HOST: '::1' }).grpc, logger), '::1');
    assert.equal(warnings.length, 1);
  });
});

describe('grpcServerCredentials', () => {
  it('names the file it cannot read', () => {
    assert.throws(() => grpcServerCredentials(tls), (err: unknown) => err instanceof GrpcTlsError && /certFile \/x\.crt/.test(err.message));
  });

  it('asks for all three files together', () => {
    assert.throws(() => loadConfig({ GRPC_TLS_CERT: '/x.crt' }), /grpc\.tls\.keyFile/);
  });
});
