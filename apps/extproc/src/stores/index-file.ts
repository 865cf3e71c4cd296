import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { z } from 'zod';
import { EmbedderIdentitySchema, embedderKey } from '@semcache/shared';
import type { CacheEngine } from '../cache/cache-engine.ts';
import type { Namespace } from '../cache/namespace.ts';
import { VectorIndex } from '../cache/vector-index.ts';
import { sameEmbedder } from './entry-codec.ts';
import { decodeRecords, encodeRecord, syncDir, writeFileAtomic } from './record-file.ts';

/**
 * The saved vector indexes of the data directory, so that a restart loads each namespace's HNSW graph instead
 * of inserting every vector again (minutes at a million entries). `indexes.bin` names one usearch file per
 * namespace with its dimensions, precision, size and CRC, and the keys it holds. It is only a shortcut: the
 * snapshot and the logs hold every vector, so a missing, damaged or unfitting index is rebuilt from them, and
 * an index older than the snapshot is brought up to date (keys it lacks are inserted, keys no entry claims are
 * removed).
 */
export const INDEX_MANIFEST = 'indexes.bin';
const INDEX_FILE = /^index-\d{12}-\d+\.usearch$/;
const FORMAT = 1;

const ManifestHeaderSchema = z.object({ t: z.literal('indexes'), format: z.literal(FORMAT), embedder: EmbedderIdentitySchema });
const ManifestEntrySchema = z.object({
  t: z.literal('index'),
  namespace: z.string().min(1),
  file: z.string().regex(INDEX_FILE),
  dimensions: z.number().int().positive(),
  precision: z.enum(['f32', 'f16', 'i8', 'b1']),
  bytes: z.number().int().nonnegative(),
  crc: z.number().int().nonnegative(),
});

export interface SavedIndexes {
  files: number;
  bytes: number;
  /** How long the event loop was held by usearch's synchronous writes. */
  blockedMs: number;
}

/** An index taken by a namespace during a load, with the keys it was saved with. */
export interface Adoption {
  namespace: Namespace;
  keys: BigUint64Array;
}

export interface IndexProblem {
  kind: 'index-unusable';
  message: string;
}

/**
 * Saves every namespace's index as it is now. usearch writes synchronously, holding the event loop for as
 * long as the file takes (about a second per million 384-dimension f16 vectors): callers do this at start-up
 * and shutdown, never while serving.
 */
export async function saveIndexes(dir: string, engine: CacheEngine, seq: number): Promise<SavedIndexes> {
  const t0 = performance.now();
  const saved: { namespace: string; file: string; dimensions: number; precision: VectorIndex['precision']; keys: BigUint64Array }[] = [];
  for (const ns of engine.namespaces.all()) {
    const got = ns.indexForSaving();
    if (!got || got.keys.length === 0) continue;
    const file = `index-${String(seq).padStart(12, '0')}-${saved.length}.usearch`;
    got.index.save(join(dir, file));
    saved.push({ namespace: ns.name, file, dimensions: got.index.dimensions, precision: got.index.precision, keys: got.keys });
  }
  const blockedMs = performance.now() - t0;
  const records: Buffer[] = [encodeRecord({ t: 'indexes', format: FORMAT, embedder: engine.embedder.identity })];
  let bytes = 0;
  for (const s of saved) {
    const path = join(dir, s.file);
    const handle = await open(path, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    const { size, crc } = await checksum(path);
    bytes += size;
    const keys = Buffer.from(s.keys.buffer, s.keys.byteOffset, s.keys.byteLength);
    records.push(encodeRecord({
      t: 'index', namespace: s.namespace, file: s.file, dimensions: s.dimensions, precision: s.precision, bytes: size, crc,
    } satisfies z.infer<typeof ManifestEntrySchema>, keys));
  }
  await writeFileAtomic(join(dir, INDEX_MANIFEST), records);
  const kept = new Set(saved.map((s) => s.file));
  for (const name of await readdir(dir)) if (INDEX_FILE.test(name) && !kept.has(name)) await unlink(join(dir, name));
  await syncDir(dir);
  return { files: saved.length, bytes, blockedMs };
}

/**
 * Loads the saved indexes that fit the configured embedder and precision into their (still empty)
 * namespaces, before the snapshot's entries are applied. Whatever does not fit is reported and left to be
 * rebuilt from the entries.
 */
export async function loadIndexes(dir: string, engine: CacheEngine, problems: { push(p: IndexProblem): unknown }): Promise<Adoption[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, INDEX_MANIFEST));
  } catch {
    return [];
  }
  const unusable = (message: string): void => {
    problems.push({ kind: 'index-unusable', message: `${message}; its vectors are inserted again from the entries` });
  };
  const { records, damage } = decodeRecords(bytes);
  const header = ManifestHeaderSchema.safeParse(records[0]?.json);
  if (!header.success || damage) {
    unusable(`${INDEX_MANIFEST}: ${damage ? `${damage.detail} at byte ${damage.offset}` : 'no valid header'}`);
    return [];
  }
  const identity = engine.embedder.identity;
  if (!sameEmbedder(header.data.embedder, identity)) {
    unusable(`${INDEX_MANIFEST}: written with embedder ${embedderKey(header.data.embedder)}, configured is ${embedderKey(identity)}`);
    return [];
  }
  const out: Adoption[] = [];
  for (const record of records.slice(1)) {
    const parsed = ManifestEntrySchema.safeParse(record.json);
    if (!parsed.success || record.blob.length % 8 !== 0) {
      unusable(`${INDEX_MANIFEST}: unreadable record`);
      continue;
    }
    const adoption = await adopt(dir, engine, parsed.data, record.blob, unusable);
    if (adoption) out.push(adoption);
  }
  return out;
}

async function adopt(
  dir: string, engine: CacheEngine, saved: z.infer<typeof ManifestEntrySchema>, keyBytes: Buffer, unusable: (message: string) => void,
): Promise<Adoption | null> {
  const what = `${saved.file} (namespace ${saved.namespace})`;
  const dimensions = engine.embedder.identity.dimensions;
  if (dimensions !== 0 && dimensions !== saved.dimensions) {
    unusable(`${what}: ${saved.dimensions} dimensions, the embedder has ${dimensions}`);
    return null;
  }
  const ns = engine.namespaces.obtain(saved.namespace);
  if (ns.size > 0) {
    unusable(`${what}: its namespace already has entries`);
    return null;
  }
  if (!engine.servesSavedIndex(saved.dimensions, saved.precision)) {
    unusable(`${what}: saved at ${saved.precision}, configured precision is ${ns.precisionFor(saved.dimensions)}`);
    return null;
  }
  const path = join(dir, saved.file);
  const sum = await checksum(path).catch(() => null);
  if (!sum || sum.size !== saved.bytes || sum.crc !== saved.crc) {
    unusable(`${what}: ${sum ? 'size or checksum differs from the manifest' : 'missing or unreadable'}`);
    return null;
  }
  // A copy: the manifest's buffer is unaligned for 64-bit reads.
  const keys = new BigUint64Array(keyBytes.length / 8);
  Buffer.from(keys.buffer).set(keyBytes);
  let index: VectorIndex;
  try {
    index = VectorIndex.load(path, saved.dimensions, saved.precision);
  } catch (err) {
    unusable(`${what}: ${(err as Error).message}`);
    return null;
  }
  if (index.size !== keys.length) {
    unusable(`${what}: holds ${index.size} vectors, the manifest lists ${keys.length}`);
    return null;
  }
  ns.adoptIndex(index);
  return { namespace: ns, keys };
}

/** After the entries are applied: removes what no entry claimed. Returns the vectors kept from the files. */
export function finishAdoptions(adoptions: readonly Adoption[]): number {
  let kept = 0;
  for (const a of adoptions) kept += a.namespace.finishAdoption(a.keys);
  return kept;
}

async function checksum(path: string): Promise<{ size: number; crc: number }> {
  let crc = 0;
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) {
    crc = crc32(chunk as Buffer, crc);
    size += (chunk as Buffer).length;
  }
  return { size, crc };
}
