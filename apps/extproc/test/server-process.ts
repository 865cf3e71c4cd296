import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const NODE = `${REPO}node_modules/.bin/node`;
const MAIN = `${REPO}apps/extproc/src/main.ts`;

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface ServerProcess {
  child: ChildProcess;
  grpcPort: number;
  httpPort: number;
  /** Every JSON log line so far, in order. */
  logs: LogLine[];
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | string>;
}

/**
 * The real server as its own process (`node apps/extproc/src/main.ts`), on loopback ports it picks itself;
 * resolves once it logs that it listens. The environment is the given one only, plus PATH; `nodeArgs` go to
 * node itself (e.g. a heap limit).
 */
export async function spawnServer(env: Record<string, string>, nodeArgs: string[] = []): Promise<ServerProcess> {
  const child = spawn(NODE, [...nodeArgs, MAIN], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', GRPC_HOST: '127.0.0.1', HTTP_HOST: '127.0.0.1', GRPC_PORT: '0', HTTP_PORT: '0', LOG_LEVEL: 'info', EMBEDDER: 'builtin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const listening = new Promise<LogLine>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let parsed: LogLine;
      try {
        parsed = JSON.parse(line) as LogLine;
      } catch {
        return;
      }
      logs.push(parsed);
      if (parsed.msg === 'semantic cache listening') resolve(parsed);
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening: ${stderr}`)));
  });
  const line = await listening;
  return { child, grpcPort: line.grpcPort as number, httpPort: line.httpPort as number, logs, exited };
}

/** SIGTERM, and the exit code once it has stopped. */
export async function stopServer(server: ServerProcess): Promise<number | string> {
  server.child.kill('SIGTERM');
  return server.exited;
}
