import { z } from 'zod';
import { EmbedderIdentitySchema, StoredNamespaceSettingsSchema, PairLabelSchema, type EmbedderIdentity } from '@semcache/shared';
import type { CacheChange } from '../cache/changes.ts';
import { parseEntryId, entryId, type CacheEntry } from '../cache/entry.ts';
import { packedFromBytes, packedSize } from '../cache/packed-text.ts';
import { vectorOf } from '../cache/vector-slab.ts';
import { decodeEntry, entryMeta } from './entry-codec.ts';
import { encodeRecord, type FileRecord, type RecordEncoder } from './record-file.ts';

/**
 * The records of the data directory. `snapshot.bin` holds a header, then the settings changed live, the
 * namespaces' epochs above 0, the operators' labels (oldest first) and every entry; `changes-<seq>.log` holds
 * a header, then the changes since, in order. The snapshot's header names the first log to replay on top of it.
 *
 * Format 2: an add record's blob is the vector's Float32 bytes, then the answer as held in memory (`answerBytes`
 * of them), so that neither a snapshot nor a restart deflates or inflates a million answers. Format 1 (until
 * 2026-12-02) has the answer's text in the entry's JSON; it is still read.
 */
export const FORMAT = 2;
export const SNAPSHOT_FILE = 'snapshot.bin';
const LOG_NAME = /^changes-(\d{12})\.log$/;

export const logFileName = (seq: number): string => `changes-${String(seq).padStart(12, '0')}.log`;

export function logSeqOf(name: string): number | null {
  const m = LOG_NAME.exec(name);
  return m ? Number(m[1]) : null;
}

const HeaderSchema = z.object({
  t: z.literal('header'),
  format: z.union([z.literal(1), z.literal(FORMAT)]),
  file: z.enum(['snapshot', 'log']),
  embedder: EmbedderIdentitySchema,
  /** snapshot: the first log to replay on top of it; log: its own sequence number. */
  seq: z.number().int().nonnegative(),
});
export type Header = z.infer<typeof HeaderSchema>;

const BodySchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('add'), entry: z.unknown(), answerBytes: z.number().int().positive().optional() }),
  z.object({ t: z.literal('remove'), namespace: z.string(), id: z.string() }),
  z.object({ t: z.literal('flush'), namespace: z.string() }),
  z.object({ t: z.literal('epoch'), namespace: z.string(), epoch: z.number().int().nonnegative() }),
  z.object({ t: z.literal('settings'), namespace: z.string(), settings: StoredNamespaceSettingsSchema }),
  z.object({ t: z.literal('label'), label: PairLabelSchema }),
  z.object({ t: z.literal('unlabel'), namespace: z.string(), lookupId: z.string() }),
]);

export function headerRecord(file: Header['file'], embedder: EmbedderIdentity, seq: number): Buffer {
  return encodeRecord({ t: 'header', format: FORMAT, file, embedder, seq } satisfies Header);
}

export function parseHeader(record: FileRecord | undefined): Header | null {
  const parsed = HeaderSchema.safeParse(record?.json);
  return parsed.success ? parsed.data : null;
}

export function changeRecord(change: CacheChange): Buffer {
  switch (change.type) {
    case 'add': return encodeRecord(addJson(change.entry), addBlob(change.entry));
    case 'remove': return encodeRecord({ t: 'remove', namespace: change.namespace, id: entryId(change.key) });
    case 'flush': return encodeRecord({ t: 'flush', namespace: change.namespace });
    case 'epoch': return encodeRecord({ t: 'epoch', namespace: change.namespace, epoch: change.epoch });
    case 'settings': return encodeRecord({ t: 'settings', namespace: change.namespace, settings: change.settings });
    case 'label': return encodeRecord({ t: 'label', label: change.label });
    case 'unlabel': return encodeRecord({ t: 'unlabel', namespace: change.namespace, lookupId: change.lookupId });
  }
}

const addJson = (entry: CacheEntry) => ({ t: 'add', entry: entryMeta(entry, false), answerBytes: packedSize(entry.response) });

/** Reused by `addBlob`, whose bytes are copied into a record before the next one is made. */
let scratch = Buffer.alloc(0);

/** The vector as Float32 values, converted from its precision, then the answer as held. */
function addBlob(entry: CacheEntry): Uint8Array {
  const vector = vectorOf(entry.vector);
  const vectorBytes = vector.length * 4;
  const length = vectorBytes + packedSize(entry.response);
  // Its own ArrayBuffer, never a slice of Node's pool: a Float32Array needs an offset that is a multiple of 4.
  if (scratch.length < length) scratch = Buffer.from(new ArrayBuffer(Math.max(length, 2 * scratch.length)));
  new Float32Array(scratch.buffer, 0, vector.length).set(vector);
  scratch.write(entry.response, vectorBytes, 'latin1');
  return scratch.subarray(0, length);
}

/** The add record `changeRecord` makes, appended to `encoder` (false when it has no room: take its records first). */
export function appendAddRecord(encoder: RecordEncoder, entry: CacheEntry): boolean {
  return encoder.append(addJson(entry), addBlob(entry));
}

/** The change a record stands for; throws with a readable message when it is not one. */
export function recordChange(record: FileRecord): CacheChange {
  const body = BodySchema.parse(record.json);
  switch (body.t) {
    case 'add': {
      const { answerBytes } = body;
      if (answerBytes === undefined) return { type: 'add', entry: decodeEntry(body.entry, record.blob) };
      const vectorEnd = record.blob.length - answerBytes;
      if (vectorEnd <= 0) throw new Error(`an answer of ${answerBytes} bytes in a blob of ${record.blob.length}`);
      return { type: 'add', entry: decodeEntry(body.entry, record.blob.subarray(0, vectorEnd), packedFromBytes(record.blob.subarray(vectorEnd))) };
    }
    case 'remove': {
      const key = parseEntryId(body.id);
      if (key === null) throw new Error(`bad entry id '${body.id}'`);
      return { type: 'remove', namespace: body.namespace, key, reason: 'evicted' };
    }
    case 'flush': return { type: 'flush', namespace: body.namespace };
    case 'epoch': return { type: 'epoch', namespace: body.namespace, epoch: body.epoch };
    case 'settings': return { type: 'settings', namespace: body.namespace, settings: body.settings };
    case 'label': return { type: 'label', label: body.label };
    case 'unlabel': return { type: 'unlabel', namespace: body.namespace, lookupId: body.lookupId };
  }
}
