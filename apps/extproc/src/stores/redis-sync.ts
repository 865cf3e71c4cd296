import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { EmbedderIdentity, NamespaceSettings, PairLabel } from '@semcache/shared';
import type { CacheEngine } from '../cache/cache-engine.ts';
import type { CacheChange } from '../cache/changes.ts';
import { parseEntryId, type CacheEntry } from '../cache/entry.ts';
import { settingsChangedLive } from './live-settings.ts';
import type { RedisConnection, RedisMulti as Multi } from './redis-connection.ts';
import { entryHash, idOf, labelField, parseLabel, parseSettings, readEntryHash, type RedisKeys } from './redis-schema.ts';

export interface StreamMessage {
  id: string;
  message: Partial<Record<'o' | 't' | 'n' | 'k' | 's' | 'l', string>>;
}

export interface RedisSyncDeps {
  client: RedisConnection;
  /** The same connection, with replies as Buffers: vectors are bytes, not text. */
  binary: { hGetAll(key: string): Promise<unknown> };
  keys: RedisKeys;
  engine: CacheEngine;
  /** Whether an entry made by this embedder may join the replica's index (reports it when not). */
  accept(embedder: EmbedderIdentity, entry: CacheEntry): boolean;
  /** An entry Redis holds that cannot be read (another version, hand edits). */
  bad(id: string, err: Error): void;
  publish(change: CacheChange): Promise<unknown>;
}

/** Entries fetched per round trip while loading. */
const FETCH_BATCH = 500;
/**
 * A joining replica serves while it loads: its inserts (0.3-1.5 ms each, growing with the index) give the event
 * loop back this often, where a batch of 500 held it for up to a second at a million entries.
 */
const INSERT_SLICE_MS = 5;

/** Loading a replica from Redis, and reading the entries the change stream names. */
export class RedisSync {
  readonly #deps: RedisSyncDeps;
  /** The epoch seen at the last load: Redis with another one has lost (or was flushed of) what it held. */
  #epoch: string | null = null;

  constructor(deps: RedisSyncDeps) {
    this.#deps = deps;
  }

  /**
   * Brings the replica in line with Redis and returns the stream position to follow from. Redis is the
   * truth: local entries it lacks go (they were written while it was away, and dropped), entries it has
   * come in. If Redis lost its data, this replica first puts back what it holds, so that a Redis restart
   * without persistence does not empty every replica's cache.
   */
  async load(): Promise<{ lastId: string; entries: number }> {
    const { client, keys, engine } = this.#deps;
    const since = engine.now();
    let epoch = await client.get(keys.epoch);
    if (epoch === null) {
      await client.set(keys.epoch, randomUUID(), { condition: 'NX' });
      epoch = await client.get(keys.epoch);
    }
    const lost = this.#epoch !== null && epoch !== this.#epoch;
    this.#epoch = epoch;
    if (lost) await this.#seed();
    // Taken before reading, so that a change made while this replica reads is replayed after, not missed.
    const last = (await client.xRevRange(keys.stream, '+', '-', { COUNT: 1 }))?.[0];
    await this.#reconcile(since);
    return { lastId: last?.id ?? '0-0', entries: engine.namespaces.totalEntries() };
  }

  /** The entries of these ids this replica may use; ids gone from Redis are left out. */
  async fetch(ids: string[]): Promise<Map<string, CacheEntry>> {
    const { binary, keys, engine } = this.#deps;
    const hashes = await Promise.all(ids.map((id) => binary.hGetAll(keys.entry(id))));
    const now = engine.now();
    const out = new Map<string, CacheEntry>();
    hashes.forEach((hash, i) => {
      const id = ids[i]!;
      try {
        const read = readEntryHash(hash as Record<string, Buffer>);
        if (read && read.entry.expiresAt > now && this.#deps.accept(read.embedder, read.entry)) out.set(id, read.entry);
      } catch (err) {
        this.#deps.bad(id, err as Error);
      }
    });
    return out;
  }

  settings(json: string): NamespaceSettings {
    return parseSettings(json);
  }

  label(json: string): PairLabel {
    return parseLabel(json);
  }

  epoch(text: string): number {
    const epoch = Number(text);
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw new Error(`bad epoch '${text}'`);
    return epoch;
  }

  /** Queues the commands that store an entry, index it and set its expiry. */
  addEntry(multi: Multi, entry: CacheEntry, embedder: EmbedderIdentity): Multi {
    const k = this.#deps.keys;
    multi.hSet(k.entry(idOf(entry)), entryHash(entry, embedder)).sAdd(k.namespaces, entry.namespace);
    return this.setExpiry(multi, entry);
  }

  setExpiry(multi: Multi, entry: CacheEntry): Multi {
    const k = this.#deps.keys;
    const id = idOf(entry);
    multi.hSet(k.entry(id), 'x', String(entry.expiresAt))
      .pExpireAt(k.entry(id), entry.expiresAt)
      .zAdd(k.index(entry.namespace), { score: entry.expiresAt, value: id });
    return multi;
  }

  async #seed(): Promise<void> {
    const { engine, publish } = this.#deps;
    const now = engine.now();
    const writes: Promise<unknown>[] = [];
    for (const ns of engine.namespaces.all()) {
      if (settingsChangedLive(engine, ns)) {
        writes.push(publish({ type: 'settings', namespace: ns.name, settings: { ...ns.settings } }));
      }
      // Before its entries: the epoch script deletes what the namespace's index holds.
      if (ns.epoch > 0) await publish({ type: 'epoch', namespace: ns.name, epoch: ns.epoch });
      for (const entry of ns.entries()) if (entry.expiresAt > now) writes.push(publish({ type: 'add', entry }));
    }
    for (const label of engine.labels.all()) writes.push(publish({ type: 'label', label }));
    await Promise.all(writes);
  }

  async #reconcile(since: number): Promise<void> {
    const { client, keys, engine } = this.#deps;
    for (const [namespace, json] of Object.entries(await client.hGetAll(keys.settings))) {
      try {
        engine.apply({ type: 'settings', namespace, settings: parseSettings(json) });
      } catch (err) {
        this.#deps.bad(`settings of ${namespace}`, err as Error);
      }
    }
    // Before the entries: those of an earlier epoch are then not loaded.
    for (const [namespace, text] of Object.entries(await client.hGetAll(keys.namespaceEpochs))) {
      try {
        engine.apply({ type: 'epoch', namespace, epoch: this.epoch(text) });
      } catch (err) {
        this.#deps.bad(`epoch of ${namespace}`, err as Error);
      }
    }
    const now = engine.now();
    const remote = new Map<string, Set<string>>();
    await Promise.all((await client.sMembers(keys.namespaces)).map(async (ns) => {
      await client.zRemRangeByScore(keys.index(ns), '-inf', now);
      remote.set(ns, new Set(await client.zRange(keys.index(ns), 0, -1)));
    }));
    for (const ns of engine.namespaces.all()) {
      const ids = remote.get(ns.name);
      // Entries made since the load began may not have reached Redis yet: they stay.
      const gone = [...ns.entries()].filter((e) => e.createdAt < since && !ids?.has(idOf(e)));
      for (const entry of gone) engine.apply({ type: 'remove', namespace: ns.name, key: entry.key, reason: 'evicted' });
    }
    const missing: string[] = [];
    for (const [name, ids] of remote) {
      const local = engine.namespaces.find(name);
      for (const id of ids) if (!local?.get(parseEntryId(id) ?? -1n)) missing.push(id);
    }
    for (let i = 0; i < missing.length; i += FETCH_BATCH) {
      const fetched = await this.fetch(missing.slice(i, i + FETCH_BATCH));
      let sliceStart = performance.now();
      for (const [id, entry] of fetched) {
        try {
          engine.apply({ type: 'add', entry });
        } catch (err) {
          this.#deps.bad(id, err as Error);
        }
        if (performance.now() - sliceStart < INSERT_SLICE_MS) continue;
        await yieldToLoop();
        sliceStart = performance.now();
      }
    }
    await this.#reconcileLabels(since);
  }

  /** Labels as Redis has them, oldest first so that the lists keep their order; local ones made since stay. */
  async #reconcileLabels(since: number): Promise<void> {
    const { client, keys, engine } = this.#deps;
    const remote: PairLabel[] = [];
    for (const [field, json] of Object.entries(await client.hGetAll(keys.labels))) {
      try {
        remote.push(parseLabel(json));
      } catch (err) {
        this.#deps.bad(`label ${field}`, err as Error);
      }
    }
    const fields = new Set(remote.map((l) => labelField(l.namespace, l.lookupId)));
    for (const label of engine.labels.all()) {
      if (label.createdAt < since && !fields.has(labelField(label.namespace, label.lookupId))) {
        engine.apply({ type: 'unlabel', namespace: label.namespace, lookupId: label.lookupId });
      }
    }
    remote.sort((a, b) => a.createdAt - b.createdAt);
    for (const label of remote) engine.apply({ type: 'label', label });
  }
}
