import OpenAI from 'openai';
import { FakeUpstream, startEnvoy, type EnvoyBinary, type EnvoyProcess, type EnvoyProcessOptions } from '@semcache/testkit';
import { spawnServer, stopServer, type ServerProcess } from '../server-process.ts';

export interface StackOptions {
  /** Extra environment for the cache server (on top of no persistence). */
  serverEnv?: Record<string, string>;
  configFile?: string;
  overlayYaml?: EnvoyProcessOptions['overlayYaml'];
  /** The fake model's keep-alive timeout (Node's default otherwise: 5 s plus a 1 s grace). */
  upstreamKeepAliveMs?: number;
}

/** Client -> real Envoy -> the fake model, with the cache server (its own process, as `npm start` runs it) as ext_proc. */
export interface EnvoyStack {
  envoy: EnvoyProcess;
  server: ServerProcess;
  upstream: FakeUpstream;
  /** The `openai` npm client pointed at Envoy's listener. */
  openai: OpenAI;
  /** POST JSON through Envoy with plain fetch. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Envoy's ext_proc counters (`http.llm.ext_proc.*`), by their short names. */
  extProcStats(): Promise<Record<string, number>>;
  /** Envoy's access log once it holds a line for every request Envoy has completed (it is flushed late). */
  settledAccessLog(): Promise<string[]>;
  killServer(): Promise<void>;
  /** The server again on the same gRPC port, so Envoy's unchanged cluster finds it. */
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

export async function startEnvoyStack(binary: EnvoyBinary, opts: StackOptions = {}): Promise<EnvoyStack> {
  const upstream = await new FakeUpstream().start({ keepAliveTimeoutMs: opts.upstreamKeepAliveMs });
  const serverEnv = { PERSIST: 'false', ...opts.serverEnv };
  let server = await spawnServer(serverEnv);
  const grpcPort = server.grpcPort;
  let envoy: EnvoyProcess;
  try {
    envoy = await startEnvoy({ binary, configFile: opts.configFile, overlayYaml: opts.overlayYaml, cachePort: grpcPort, modelPort: upstream.port });
  } catch (err) {
    await stopServer(server);
    await upstream.close();
    throw err;
  }
  const openai = new OpenAI({ baseURL: `${envoy.url}/v1`, apiKey: 'test-key', maxRetries: 0 });
  return {
    envoy,
    get server() { return server; },
    upstream,
    openai,
    post: (path, body, headers = {}) =>
      fetch(`${envoy.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    async extProcStats() {
      const prefix = 'http.llm.ext_proc.';
      const all = await envoy.stats(prefix);
      return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    },
    async settledAccessLog() {
      const completed = (await envoy.stats('http.llm.downstream_rq_completed'))['http.llm.downstream_rq_completed'] ?? 0;
      return envoy.waitForAccessLog(completed);
    },
    async killServer() {
      server.child.kill('SIGKILL');
      await server.exited;
    },
    async restartServer() {
      server = await spawnServer({ ...serverEnv, GRPC_PORT: String(grpcPort) });
    },
    async close() {
      await envoy.stop();
      if (server.child.exitCode === null && server.child.signalCode === null) await stopServer(server);
      await upstream.close();
    },
  };
}
