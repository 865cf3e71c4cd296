import {
  EmbedderIdentitySchema, StoredNamespaceSettingsSchema, PairLabelSchema, type EmbedderIdentity, type NamespaceSettings, type PairLabel,
} from '@semcache/shared';
import type { CacheEntry } from '../cache/entry.ts';
import { entryId } from '../cache/entry.ts';
import { decodeEntry, entryMeta, vectorBytes } from './entry-codec.ts';

/**
 * What the replicas share in Redis. Every key carries the hash tag `{prefix}`, so that in a Redis Cluster
 * they all live in one slot and a MULTI or script may touch any of them.
 *
 * - `{p}:entry:<id>`      hash: m = entry JSON, v = vector Float32 bytes, e = embedder identity, x = expiry
 *                         (ms, apart from m as a TTL change moves it); PEXPIREAT = the same expiry
 * - `{p}:index:<ns>`      sorted set of the namespace's entry ids, scored by expiry (for loading and flushing)
 * - `{p}:namespaces`      set of namespace names
 * - `{p}:settings`        hash: namespace -> settings JSON (only settings changed live)
 * - `{p}:ns-epochs`       hash: namespace -> its epoch, where an epoch flush raised it above 0
 * - `{p}:labels`          hash: JSON [namespace, lookup id] -> label JSON (operators' verdicts; a flush keeps them)
 * - `{p}:changes`         stream of changes: o = origin replica, t = type, n = namespace, k = entry id (of an
 *                         unlabel: the lookup id; of an epoch: the epoch), s = settings, l = label
 * - `{p}:epoch`           random id set once per Redis data set: a new one means Redis lost what it held
 */
export interface RedisKeys {
  epoch: string;
  stream: string;
  settings: string;
  labels: string;
  namespaceEpochs: string;
  namespaces: string;
  entryPrefix: string;
  entry(id: string): string;
  index(namespace: string): string;
}

export function redisKeys(prefix: string): RedisKeys {
  const tag = `{${prefix}}`;
  return {
    epoch: `${tag}:epoch`,
    stream: `${tag}:changes`,
    settings: `${tag}:settings`,
    labels: `${tag}:labels`,
    namespaceEpochs: `${tag}:ns-epochs`,
    namespaces: `${tag}:namespaces`,
    entryPrefix: `${tag}:entry:`,
    entry: (id) => `${tag}:entry:${id}`,
    index: (namespace) => `${tag}:index:${namespace}`,
  };
}

export type EntryHash = Record<'m' | 'v' | 'e' | 'x', string | Buffer>;

export function entryHash(entry: CacheEntry, embedder: EmbedderIdentity): EntryHash {
  return { m: JSON.stringify(entryMeta(entry)), v: vectorBytes(entry.vector), e: JSON.stringify(embedder), x: String(entry.expiresAt) };
}

/** An entry read back with the embedder that made its vector; null when the key is gone (expired, removed). */
export function readEntryHash(hash: Record<string, Buffer>): { entry: CacheEntry; embedder: EmbedderIdentity } | null {
  const { m, v, e, x } = hash;
  if (!m || !v || !e) return null;
  const entry = decodeEntry(JSON.parse(m.toString('utf8')), v);
  if (x) entry.expiresAt = Number(x.toString('latin1'));
  return {
    entry,
    embedder: EmbedderIdentitySchema.parse(JSON.parse(e.toString('utf8'))),
  };
}

export function parseSettings(json: string): NamespaceSettings {
  return StoredNamespaceSettingsSchema.parse(JSON.parse(json));
}

export const labelField = (namespace: string, lookupId: string): string => JSON.stringify([namespace, lookupId]);

export function parseLabel(json: string): PairLabel {
  return PairLabelSchema.parse(JSON.parse(json));
}

export const idOf = (entry: CacheEntry): string => entryId(entry.key);

/**
 * Deletes a namespace's entries and its index and records the flush, in one step: an add that follows on
 * the same connection cannot land in between and be deleted with them.
 * KEYS: index, stream, namespaces. ARGV: entry key prefix, stream max length, origin, namespace.
 */
export const FLUSH_SCRIPT = `
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, id in ipairs(ids) do redis.call('UNLINK', ARGV[1] .. id) end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[3], ARGV[4])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'o', ARGV[3], 't', 'flush', 'n', ARGV[4])
return #ids
`;

/**
 * Raises a namespace's epoch (never lowers it: two replicas flushing at once agree on the higher one), deletes
 * the entries it holds, which are all of earlier epochs, and records the flush, in one step.
 * KEYS: epochs hash, index, stream. ARGV: entry key prefix, stream max length, origin, namespace, epoch.
 */
export const EPOCH_SCRIPT = `
local epoch = math.max(tonumber(redis.call('HGET', KEYS[1], ARGV[4]) or '0'), tonumber(ARGV[5]))
redis.call('HSET', KEYS[1], ARGV[4], epoch)
local ids = redis.call('ZRANGE', KEYS[2], 0, -1)
for _, id in ipairs(ids) do redis.call('UNLINK', ARGV[1] .. id) end
redis.call('DEL', KEYS[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'o', ARGV[3], 't', 'epoch', 'n', ARGV[4], 'k', tostring(epoch))
return #ids
`;
