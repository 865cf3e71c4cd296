import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const REDIS_SERVER = '/usr/bin/redis-server';
const REDIS_CLI = '/usr/bin/redis-cli';

/**
 * A throwaway `redis-server` on 127.0.0.1 with persistence off (scripts/install-system-deps.sh installs it
 * from Debian). It can be stopped and started again on the same port; it comes back empty, as a Redis
 * without persistence does after a restart.
 */
export class RedisServer {
  port = 0;
  #child: ChildProcess | null = null;
  readonly #extraArgs: (port: number) => string[];

  /** `extraArgs` are further redis-server options, given the port (known only at start). */
  constructor(extraArgs: (port: number) => string[] = () => []) {
    this.#extraArgs = extraArgs;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port ||= await freePort();
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.#extraArgs(this.port)];
    const child = spawn(REDIS_SERVER, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
    });
    return this;
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    this.#child = null;
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

/** A throwaway Redis Cluster of three masters (no replicas) on 127.0.0.1, its state in a temporary directory. */
export class RedisCluster {
  readonly nodes: RedisServer[] = [];
  #dir = '';

  async start(): Promise<this> {
    this.#dir = await mkdtemp(join(tmpdir(), 'semcache-redis-cluster-'));
    const dir = this.#dir;
    for (let i = 0; i < 3; i++) {
      this.nodes.push(new RedisServer((port) => ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir]));
    }
    await Promise.all(this.nodes.map((n) => n.start()));
    await promisify(execFile)(REDIS_CLI, ['--cluster', 'create', ...this.nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const node of this.nodes) {
      while (!(await this.cli(node, 'CLUSTER', 'INFO')).includes('cluster_state:ok')) await sleep(50);
    }
    return this;
  }

  /** The node that holds `key`'s slot, from the cluster's own view (CLUSTER KEYSLOT, CLUSTER NODES). */
  async owner(key: string): Promise<RedisServer> {
    const first = this.nodes[0]!;
    const slot = Number(await this.cli(first, 'CLUSTER', 'KEYSLOT', key));
    for (const line of (await this.cli(first, 'CLUSTER', 'NODES')).trim().split('\n')) {
      const [, address = '', , , , , , , ...ranges] = line.split(' ');
      const held = ranges.some((r) => {
        const [from, to = from] = r.split('-').map(Number);
        return from !== undefined && to !== undefined && slot >= from && slot <= to;
      });
      const port = Number(address.split('@')[0]!.split(':')[1]);
      if (held) return this.nodes.find((n) => n.port === port)!;
    }
    throw new Error(`no node holds slot ${slot}`);
  }

  /** One command to one node, without following redirects; the reply as redis-cli prints it. */
  async cli(node: RedisServer, ...args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(node.port), ...args]);
    return stdout;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
    if (this.#dir) await rm(this.#dir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
