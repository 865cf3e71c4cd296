import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { rewritePorts, SHIPPED_PORTS } from './config-ports.ts';
import { REPO_ROOT, type EnvoyBinary } from './envoy-binary.ts';

export interface EnvoyProcessOptions {
  binary: EnvoyBinary;
  /** A config file in the repository, e.g. deploy/envoy.yaml; its ports are rewritten, nothing else. */
  configFile?: string;
  /** Or the config text itself (bench variants derived from the shipped file). */
  configText?: string;
  /** Where the config's cache cluster (port 50051) and model cluster (port 8000) point. */
  cachePort: number;
  modelPort: number;
  /** Merged over the file by Envoy itself (`--config-yaml`), for a test that changes a runtime flag. */
  overlayYaml?: string;
}

export interface EnvoyProcess {
  version: string;
  child: ChildProcess;
  /** http://127.0.0.1:<listener port> */
  url: string;
  adminUrl: string;
  /** Envoy's access log (stdout), one line per request, in order. */
  accessLog: string[];
  /** Envoy's own log (stderr), for failure messages. */
  stderr(): string;
  /** Counters and gauges whose names contain `filter`, from the admin port. */
  stats(filter: string): Promise<Record<string, number>>;
  /** Waits until the access log has at least `n` lines (Envoy writes them after the response). */
  waitForAccessLog(n: number, timeoutMs?: number): Promise<string[]>;
  stop(): Promise<void>;
}

async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, child: ChildProcess, stderr: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Envoy exited (${child.exitCode}) before ${what}:\n${stderr()}`);
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Envoy: no ${what} within ${timeoutMs} ms:\n${stderr()}`);
}

/**
 * Real Envoy on a repository config with only its ports rewritten: the listener and the admin port on
 * port 0 (Envoy picks free ones, read back from the admin port), the two clusters on the given ports.
 */
export async function startEnvoy(opts: EnvoyProcessOptions): Promise<EnvoyProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'semcache-envoy-'));
  const source = opts.configText ?? readFileSync(`${REPO_ROOT}${opts.configFile ?? 'deploy/envoy.yaml'}`, 'utf8');
  const config = rewritePorts(source, {
    [SHIPPED_PORTS.listener]: 0,
    [SHIPPED_PORTS.admin]: 0,
    [SHIPPED_PORTS.cache]: opts.cachePort,
    [SHIPPED_PORTS.model]: opts.modelPort,
  });
  writeFileSync(join(dir, 'envoy.yaml'), config);
  const addressFile = join(dir, 'admin-address');
  // Envoy flushes its access log every 10 s by default; tests read it right after each request.
  const args = ['-c', join(dir, 'envoy.yaml'), '--use-dynamic-base-id', '--admin-address-path', addressFile, '--log-level', 'warning', '--file-flush-interval-msec', '50'];
  if (opts.overlayYaml) args.push('--config-yaml', opts.overlayYaml);
  const child = spawn(opts.binary.path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const accessLog: string[] = [];
  let err = '';
  createInterface({ input: child.stdout! }).on('line', (line) => accessLog.push(line));
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const stderr = () => err;
  const exited = once(child, 'exit');

  try {
    const adminUrl = await poll('admin address', 20_000, async () => {
      const address = readFileSync(addressFile, 'utf8').trim();
      return address ? `http://${address}` : undefined;
    }, child, stderr);
    await poll('LIVE state', 20_000, async () => ((await (await fetch(`${adminUrl}/ready`)).text()).trim() === 'LIVE' ? true : undefined), child, stderr);
    const port = await poll('listener port', 20_000, async () => {
      const listeners = await (await fetch(`${adminUrl}/listeners?format=json`)).json() as {
        listener_statuses?: { local_address?: { socket_address?: { port_value?: number } } }[];
      };
      return listeners.listener_statuses?.[0]?.local_address?.socket_address?.port_value || undefined;
    }, child, stderr);

    return {
      version: opts.binary.version,
      child,
      url: `http://127.0.0.1:${port}`,
      adminUrl,
      accessLog,
      stderr,
      async stats(filter) {
        const text = await (await fetch(`${adminUrl}/stats?filter=${encodeURIComponent(filter)}`)).text();
        const out: Record<string, number> = {};
        for (const line of text.split('\n')) {
          const m = /^([^:]+): (\d+)$/.exec(line);
          if (m) out[m[1]!] = Number(m[2]);
        }
        return out;
      },
      async waitForAccessLog(n, timeoutMs = 5000) {
        return poll(`${n} access log lines`, timeoutMs, async () => (accessLog.length >= n ? accessLog : undefined), child, stderr);
      },
      async stop() {
        if (child.exitCode === null) {
          child.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
