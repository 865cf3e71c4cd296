import { createClient, createCluster, RESP_TYPES } from 'redis';

type XAddOptions = { TRIM: { strategy: 'MAXLEN'; strategyModifier: '~'; threshold: number } };

/** The commands the replicator queues in one MULTI (all on keys of one hash tag, so one slot). */
export interface RedisMulti {
  hSet(key: string, field: string, value: string): RedisMulti;
  hSet(key: string, fields: Record<string, string | Buffer>): RedisMulti;
  hDel(key: string, field: string): RedisMulti;
  sAdd(key: string, member: string): RedisMulti;
  pExpireAt(key: string, ms: number): RedisMulti;
  zAdd(key: string, member: { score: number; value: string }): RedisMulti;
  zRem(key: string, member: string): RedisMulti;
  unlink(key: string): RedisMulti;
  xAdd(key: string, id: string, fields: Record<string, string>, options: XAddOptions): RedisMulti;
  exec(): Promise<unknown>;
}

/**
 * What the replicator needs of Redis, which a single-node client and a cluster client both provide: the
 * replication logic exists once, whichever of them is behind it.
 */
export interface RedisConnection {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  /** `node-error` is a cluster's error on one of its node connections; a single-node client never emits it. */
  on(event: 'error' | 'node-error', listener: (err: Error) => void): unknown;
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): unknown;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options: { condition: 'NX' }): Promise<unknown>;
  hGetAll(key: string): Promise<Record<string, string>>;
  sMembers(key: string): Promise<string[]>;
  zRange(key: string, start: number, stop: number): Promise<string[]>;
  zRemRangeByScore(key: string, min: string, max: number): Promise<unknown>;
  xRevRange(key: string, start: string, end: string, options: { COUNT: number }): Promise<{ id: string }[] | null>;
  xRead(stream: { key: string; id: string }, options: { BLOCK: number; COUNT: number }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  multi(): RedisMulti;
}

export interface RedisConnections {
  client: RedisConnection;
  /**
   * XREAD BLOCK holds the connection it is sent on, and a cluster client has one connection per node: on
   * the shared client it would stall every other command to the slot. The follower gets its own client.
   */
  reader: RedisConnection;
  /** `client` with replies as Buffers: vectors are bytes, not text. */
  binary: { hGetAll(key: string): Promise<unknown> };
}

export interface RedisConnectionOptions {
  url: string;
  /** The url is a seed node of a Redis Cluster: the client learns the others from it. */
  cluster: boolean;
  reconnectStrategy(retries: number): number;
}

const BINARY = { [RESP_TYPES.BLOB_STRING]: Buffer };

/** Clients for a single Redis or a Redis Cluster; none is connected yet. */
export function createRedisConnections({ url, cluster, reconnectStrategy }: RedisConnectionOptions): RedisConnections {
  // A write while Redis is away fails at once and is dropped, rather than queueing without bound.
  const common = () => ({ disableOfflineQueue: true, socket: { connectTimeout: 2000, reconnectStrategy } });
  if (!cluster) {
    const client = createClient({ url, ...common() });
    return { client, reader: client.duplicate(), binary: client.withTypeMapping(BINARY) };
  }
  // The seed's url configures only the discovery connection: the nodes found get these defaults.
  const { tls, ...auth } = fromSeedUrl(url);
  const defaults = common();
  const client = createCluster({
    rootNodes: [{ url }],
    defaults: { ...auth, ...defaults, socket: tls ? { ...defaults.socket, tls: true as const } : defaults.socket },
  });
  return { client, reader: client.duplicate(), binary: client.withTypeMapping(BINARY) };
}

/** What every node of the cluster shares with the seed: credentials and TLS. */
function fromSeedUrl(url: string): { tls: boolean; username?: string; password?: string } {
  const { protocol, username, password, pathname } = new URL(url);
  if (pathname.length > 1 && pathname !== '/0') {
    throw new Error(`store.redisUrl: a Redis Cluster has only database 0, the url names database ${pathname.slice(1)}`);
  }
  return {
    tls: protocol === 'rediss:',
    ...(username ? { username: decodeURIComponent(username) } : {}),
    ...(password ? { password: decodeURIComponent(password) } : {}),
  };
}
