import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** Node 24 from the `node` devDependency, whatever node runs the benchmark. */
const NODE = `${REPO}node_modules/.bin/node`;

export interface ServerProcess {
  child: ChildProcess;
  grpcPort: number;
  httpPort: number | null;
  /** CPU seconds (user + system) the process has used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Linux clock ticks per second for /proc/<pid>/stat; 100 on every mainstream kernel configuration. */
const CLOCK_TICKS = 100;

/**
 * Runs a server script as its own process on a loopback port of its choosing, so that the load generator
 * never shares its event loop; resolves once the script logs a JSON line carrying `grpcPort`.
 */
export async function spawnServer(script: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<ServerProcess> {
  const child = spawn(NODE, [...nodeArgs, `${REPO}${script}`], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', GRPC_HOST: '127.0.0.1', GRPC_PORT: '0', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', LOG_LEVEL: 'info', EMBEDDER: 'builtin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = once(child, 'exit');
  const ports = await new Promise<{ grpcPort: number; httpPort: number | null }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const log = JSON.parse(line) as { grpcPort?: number; httpPort?: number };
        if (typeof log.grpcPort === 'number') resolve({ grpcPort: log.grpcPort, httpPort: log.httpPort ?? null });
      } catch {
        // not a log line
      }
    });
    void exited.then(([code]) => reject(new Error(`${script} exited (${String(code)}) before listening: ${stderr}`)));
  });
  return {
    child,
    ...ports,
    cpuSeconds() {
      // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the whole line.
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
