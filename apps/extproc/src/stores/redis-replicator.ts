import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { embedderKey } from '@semcache/shared';
import type { CacheEngine } from '../cache/cache-engine.ts';
import type { CacheChange } from '../cache/changes.ts';
import { entryId, parseEntryId, type CacheEntry } from '../cache/entry.ts';
import type { CacheStore } from './cache-store.ts';
import { entryFitsEmbedder, sameEmbedder } from './entry-codec.ts';
import { createRedisConnections, type RedisConnection } from './redis-connection.ts';
import { EPOCH_SCRIPT, FLUSH_SCRIPT, idOf, labelField, redisKeys, type RedisKeys } from './redis-schema.ts';
import { RedisSync, type StreamMessage } from './redis-sync.ts';
import { uncountedStoreMetrics, type StoreMetrics } from './store-metrics.ts';

export interface RedisReplicatorOptions {
  url: string;
  /** The url is a seed node of a Redis Cluster. */
  cluster?: boolean;
  prefix: string;
  streamMaxLen: number;
  engine: CacheEngine;
  logger: Logger;
  metrics?: StoreMetrics;
  /** How long start-up waits for Redis before serving from what the replica has (nothing, at first). */
  startWaitMs?: number;
}

const BLOCK_MS = 1000;
const READ_COUNT = 1000;
const MAX_BACKOFF_MS = 3000;
/** Repeated warnings (dropped writes, connection errors) are logged at most this often. */
const WARN_EVERY_MS = 5000;

const backoff = (failures: number): number => Math.min(100 * 2 ** failures, MAX_BACKOFF_MS) * (0.5 + Math.random() / 2);

/**
 * Many replicas, one cache. Redis holds the entries (with their expiry), the settings changed live, the
 * operators' labels and a stream of changes; each replica keeps its own index for lookups, writes its own changes to Redis, and
 * follows the stream for everyone else's. While Redis is away the replica serves from what it has and
 * drops its writes (counted, warned); when Redis is back it reloads and follows again.
 */
export class RedisReplicator implements CacheStore {
  readonly kind = 'redis';
  readonly #opts: RedisReplicatorOptions;
  readonly #metrics: StoreMetrics;
  readonly #keys: RedisKeys;
  readonly #origin = randomUUID();
  readonly #client: RedisConnection;
  /** XREAD BLOCK holds its connection: the follower has its own. */
  readonly #reader: RedisConnection;
  readonly #sync: RedisSync;
  readonly #inflight = new Set<Promise<unknown>>();
  #lastId = '0-0';
  #synced = false;
  #closed = false;
  #loop: Promise<void> = Promise.resolve();
  #unsubscribe: (() => void) | null = null;
  #dropped = 0;
  /** When each kind of repeated warning was last logged. */
  readonly #warnedAt = new Map<string, number>();
  readonly #foreignEmbedders = new Set<string>();

  constructor(opts: RedisReplicatorOptions) {
    this.#opts = opts;
    this.#metrics = opts.metrics ?? uncountedStoreMetrics;
    this.#keys = redisKeys(opts.prefix);
    const { client, reader, binary } = createRedisConnections({ url: opts.url, cluster: opts.cluster ?? false, reconnectStrategy: backoff });
    this.#client = client;
    this.#reader = reader;
    this.#sync = new RedisSync({
      client,
      binary,
      keys: this.#keys,
      engine: opts.engine,
      accept: (embedder, entry) => this.#accept(embedder, entry),
      bad: (id, err) => this.#bad(id, err),
      publish: (change) => this.#write(change),
    });
  }

  /** True while the replica follows the change stream; false while Redis is away or being reloaded. */
  get synced(): boolean {
    return this.#synced;
  }

  async start(): Promise<void> {
    for (const client of [this.#client, this.#reader]) {
      const warn = (err: Error) => this.#warn({ err: err.message }, 'Redis connection error');
      client.on('error', warn);
      client.on('node-error', warn);
      client.connect().catch(() => undefined);
    }
    this.#unsubscribe = this.#opts.engine.onChange((change) => this.#publish(change));
    let firstSync!: () => void;
    const synced = new Promise<void>((resolve) => { firstSync = resolve; });
    this.#loop = this.#follow(firstSync);
    await Promise.race([synced, sleep(this.#opts.startWaitMs ?? 3000)]);
    if (!this.#synced) {
      this.#opts.logger.warn({ redis: redactUrl(this.#opts.url) }, 'Redis not reachable at start: serving from memory until it is');
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe?.();
    await Promise.race([Promise.allSettled([...this.#inflight]), sleep(2000)]);
    this.#reader.destroy();
    await this.#loop;
    if (this.#client.isReady) await this.#client.close();
    else this.#client.destroy();
  }

  async #follow(firstSync: () => void): Promise<void> {
    let failures = 0;
    while (!this.#closed) {
      try {
        await this.#reopen();
        if (!this.#synced) {
          const { lastId, entries } = await this.#sync.load();
          this.#lastId = lastId;
          this.#synced = true;
          this.#opts.logger.info({ entries, from: lastId }, 'cache loaded from Redis; following its changes');
          firstSync();
        }
        const reply = (await this.#reader.xRead({ key: this.#keys.stream, id: this.#lastId }, { BLOCK: BLOCK_MS, COUNT: READ_COUNT })) as
          { messages: StreamMessage[] }[] | null;
        for (const stream of reply ?? []) await this.#applyMessages(stream.messages);
        failures = 0;
      } catch (err) {
        if (this.#closed) return;
        if (this.#synced) this.#opts.logger.warn({ err: (err as Error).message }, 'lost Redis: serving from memory, will reload when it is back');
        this.#synced = false;
        await sleep(backoff(failures++));
      }
    }
  }

  /**
   * A single-node client reconnects on its own for ever; a cluster client gives up when no seed node
   * answers its first discovery, and is opened again here.
   */
  async #reopen(): Promise<void> {
    for (const client of [this.#client, this.#reader]) {
      // close() may have run while the one before was connecting: what it destroyed stays closed.
      if (!this.#closed && !client.isOpen) await client.connect();
    }
  }

  async #applyMessages(messages: StreamMessage[]): Promise<void> {
    const foreign = messages.filter((m) => m.message.o !== this.#origin);
    const added = await this.#sync.fetch(foreign.filter((m) => m.message.t === 'add').map((m) => m.message.k ?? ''));
    for (const { id, message } of foreign) {
      // One unreadable change (a namespace name no partition has, bad settings JSON) must not stall the rest.
      try {
        this.#applyMessage(message, added);
      } catch (err) {
        this.#bad(`change ${id}`, err as Error);
      }
    }
    this.#lastId = messages.at(-1)?.id ?? this.#lastId;
  }

  #applyMessage(m: StreamMessage['message'], added: Map<string, CacheEntry>): void {
    const { engine } = this.#opts;
    const namespace = m.n ?? '';
    if (m.t === 'add') {
      const entry = added.get(m.k ?? '');
      if (entry) engine.apply({ type: 'add', entry });
    } else if (m.t === 'remove') {
      const key = parseEntryId(m.k ?? '');
      if (key !== null) engine.apply({ type: 'remove', namespace, key, reason: 'evicted' });
    } else if (m.t === 'flush') {
      engine.apply({ type: 'flush', namespace });
    } else if (m.t === 'epoch' && m.k) {
      engine.apply({ type: 'epoch', namespace, epoch: this.#sync.epoch(m.k) });
    } else if (m.t === 'settings' && m.s) {
      engine.apply({ type: 'settings', namespace, settings: this.#sync.settings(m.s) });
    } else if (m.t === 'label' && m.l) {
      engine.apply({ type: 'label', label: this.#sync.label(m.l) });
    } else if (m.t === 'unlabel' && m.k) {
      engine.apply({ type: 'unlabel', namespace, lookupId: m.k });
    }
  }

  #bad(id: string, err: Error): void {
    this.#metrics.loadProblem('redis', 'bad-entry');
    this.#warn({ id, err: err.message }, 'unreadable data in Redis skipped');
  }

  /** Whether an entry from Redis may join this replica's index; another embedder's vectors never do. */
  #accept(embedder: Parameters<typeof sameEmbedder>[0], entry: CacheEntry): boolean {
    const own = this.#opts.engine.embedder.identity;
    if (sameEmbedder(embedder, own) && entryFitsEmbedder(entry, own)) return true;
    const key = embedderKey(embedder);
    this.#metrics.loadProblem('redis', 'embedder-mismatch');
    if (!this.#foreignEmbedders.has(key)) {
      this.#foreignEmbedders.add(key);
      this.#opts.logger.warn({ theirs: key, ours: embedderKey(own) }, 'Redis holds entries of another embedder: they are not loaded');
    }
    return false;
  }

  #publish(change: CacheChange): void {
    // Every replica expires entries on its own clock and Redis expires its keys: nothing to tell anyone.
    // A replica short of memory drops entries from its own index only; the others keep serving them.
    // Superseded entries left Redis with the epoch flush that superseded them.
    if (change.type === 'remove' && (change.reason === 'expired' || change.reason === 'memory' || change.reason === 'superseded')) return;
    if (!this.#client.isReady) {
      this.#drop(null);
      return;
    }
    const write = this.#write(change).catch((err: unknown) => this.#drop(err));
    this.#inflight.add(write);
    void write.finally(() => this.#inflight.delete(write));
  }

  /** One atomic step per change: the data and its stream message together, issued in the engine's order. */
  #write(change: CacheChange): Promise<unknown> {
    const k = this.#keys;
    const trim = { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: this.#opts.streamMaxLen } } as const;
    const o = this.#origin;
    switch (change.type) {
      case 'add': {
        const { entry } = change;
        const id = idOf(entry);
        return this.#sync.addEntry(this.#client.multi(), entry, this.#opts.engine.embedder.identity)
          .xAdd(k.stream, '*', { o, t: 'add', n: entry.namespace, k: id }, trim)
          .exec();
      }
      case 'remove': {
        const id = entryId(change.key);
        return this.#client.multi()
          .unlink(k.entry(id))
          .zRem(k.index(change.namespace), id)
          .xAdd(k.stream, '*', { o, t: 'remove', n: change.namespace, k: id }, trim)
          .exec();
      }
      case 'flush':
        return this.#client.eval(FLUSH_SCRIPT, {
          keys: [k.index(change.namespace), k.stream, k.namespaces],
          arguments: [k.entryPrefix, String(this.#opts.streamMaxLen), o, change.namespace],
        });
      case 'epoch':
        return this.#client.eval(EPOCH_SCRIPT, {
          keys: [k.namespaceEpochs, k.index(change.namespace), k.stream],
          arguments: [k.entryPrefix, String(this.#opts.streamMaxLen), o, change.namespace, String(change.epoch)],
        });
      case 'settings': {
        const s = JSON.stringify(change.settings);
        const multi = this.#client.multi().hSet(k.settings, change.namespace, s);
        // A TTL change moved the expiry of the entries this replica holds (the same ones as Redis, when in sync).
        const ns = this.#opts.engine.namespaces.find(change.namespace);
        for (const entry of ns?.entries() ?? []) this.#sync.setExpiry(multi, entry);
        return multi.xAdd(k.stream, '*', { o, t: 'settings', n: change.namespace, s }, trim).exec();
      }
      case 'label': {
        const { label } = change;
        const l = JSON.stringify(label);
        return this.#client.multi()
          .hSet(k.labels, labelField(label.namespace, label.lookupId), l)
          .xAdd(k.stream, '*', { o, t: 'label', n: label.namespace, l }, trim)
          .exec();
      }
      case 'unlabel':
        return this.#client.multi()
          .hDel(k.labels, labelField(change.namespace, change.lookupId))
          .xAdd(k.stream, '*', { o, t: 'unlabel', n: change.namespace, k: change.lookupId }, trim)
          .exec();
    }
  }

  #drop(err: unknown): void {
    this.#dropped++;
    this.#metrics.writeDropped('redis');
    this.#warn({ dropped: this.#dropped, err: err instanceof Error ? err.message : undefined }, 'Redis unavailable: cache change not shared (kept in this replica only)');
  }

  #warn(fields: Record<string, unknown>, msg: string): void {
    const now = Date.now();
    if (now - (this.#warnedAt.get(msg) ?? 0) < WARN_EVERY_MS) return;
    this.#warnedAt.set(msg, now);
    this.#opts.logger.warn(fields, msg);
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//[redacted]@');
}
