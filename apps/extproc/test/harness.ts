import pino from 'pino';
import { EnvoyClient, FakeUpstream, type EnvoyClientOptions, type EnvoyRequest } from '@semcache/testkit';
import { loadConfig } from '../src/config/load-config.ts';
import { startServer, type RunningServer, type StartOptions } from '../src/server.ts';

export interface Harness {
  server: RunningServer;
  upstream: FakeUpstream;
  envoy: EnvoyClient;
  chat(prompt: string, extra?: Record<string, unknown>, req?: Partial<EnvoyRequest>): ReturnType<EnvoyClient['send']>;
  close(): Promise<void>;
}

/** The real server on loopback ports, a fake model upstream, and an Envoy-faithful client between them. */
export async function startHarness(
  overrides: Record<string, unknown> = {},
  opts: Partial<Omit<StartOptions, 'config' | 'logger'>> = {},
  client: Partial<EnvoyClientOptions> = {},
): Promise<Harness> {
  const upstream = await new FakeUpstream().start();
  // The verifier off unless a test turns it on: these tests pin thresholds and guard rules, not the model's verdicts.
  const config = loadConfig({}, { 'grpc.host': '127.0.0.1', 'grpc.port': 0, 'http.host': '127.0.0.1', 'http.port': 0, logLevel: 'silent', 'store.persist': false,
    'embedder.provider': 'builtin', 'defaults.verifier': false, ...overrides });
  const server = await startServer({ config, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), ...opts });
  const envoy = new EnvoyClient({ target: `127.0.0.1:${server.grpcPort}`, upstream: upstream.url, ...client });
  return {
    server,
    upstream,
    envoy,
    chat: (prompt, extra = {}, req = {}) =>
      envoy.send({
        path: '/v1/chat/completions',
        body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: prompt }], ...extra }),
        ...req,
      }),
    async close() {
      envoy.close();
      await server.close();
      await upstream.close();
    },
  };
}

export const json = (body: Buffer): Record<string, unknown> => JSON.parse(body.toString('utf8')) as Record<string, unknown>;

/** Between the tests of a suite that shares one harness: no entries, no recorded calls, the default answers. */
export function resetHarness(h: Harness): void {
  h.upstream.calls.length = 0;
  h.upstream.handler = h.upstream.answer;
  for (const ns of h.server.admin.listNamespaces()) h.server.admin.flushNamespace(ns.name);
}
