import { z } from 'zod';
import { EmbedderIdentitySchema, StoredNamespaceSettingsSchema, PairLabelSchema, type EmbedderIdentity } from '@semcache/shared';
import type { CacheChange } from '../cache/changes.ts';
import { parseEntryId, entryId, type CacheEntry } from '../cache/entry.ts';
import { vectorOf } from '../cache/vector-slab.ts';
import { decodeEntry, entryMeta, vectorBytes } from './entry-codec.ts';
import { encodeRecord, type FileRecord, type RecordEncoder } from './record-file.ts';

/**
 * The records of the data directory. `snapshot.bin` holds a header, then the settings changed live, the
 * namespaces' epochs above 0, the operators' labels (oldest first) and every entry; `changes-<seq>.log` holds
 * a header, then the changes since, in order. The snapshot's header names the first log to replay on top of it.
 */
export const FORMAT = 1;
export const SNAPSHOT_FILE = 'snapshot.bin';
const LOG_NAME = /^changes-(\d{12})\.log$/;

export const logFileName = (seq: number): string => `changes-${String(seq).padStart(12, '0')}.log`;

export function logSeqOf(name: string): number | null {
  const m = LOG_NAME.exec(name);
  return m ? Number(m[1]) : null;
}

const HeaderSchema = z.object({
  t: z.literal('header'),
  format: z.literal(FORMAT),
  file: z.enum(['snapshot', 'log']),
  embedder: EmbedderIdentitySchema,
  /** snapshot: the first log to replay on top of it; log: its own sequence number. */
  seq: z.number().int().nonnegative(),
});
export type Header = z.infer<typeof HeaderSchema>;

const BodySchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('add'), entry: z.unknown() }),
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
    case 'add': return encodeRecord({ t: 'add', entry: entryMeta(change.entry) }, vectorBytes(change.entry.vector));
    case 'remove': return encodeRecord({ t: 'remove', namespace: change.namespace, id: entryId(change.key) });
    case 'flush': return encodeRecord({ t: 'flush', namespace: change.namespace });
    case 'epoch': return encodeRecord({ t: 'epoch', namespace: change.namespace, epoch: change.epoch });
    case 'settings': return encodeRecord({ t: 'settings', namespace: change.namespace, settings: change.settings });
    case 'label': return encodeRecord({ t: 'label', label: change.label });
    case 'unlabel': return encodeRecord({ t: 'unlabel', namespace: change.namespace, lookupId: change.lookupId });
  }
}

/** Reused by `appendAddRecord`: an entry's vector as Float32 values, converted from its precision in place. */
let scratch = new Float32Array(0);

/** The add record `changeRecord` makes, appended to `encoder` (false when it has no room: take its records first). */
export function appendAddRecord(encoder: RecordEncoder, entry: CacheEntry): boolean {
  const vector = vectorOf(entry.vector);
  if (scratch.length !== vector.length) scratch = new Float32Array(vector.length);
  scratch.set(vector);
  return encoder.append({ t: 'add', entry: entryMeta(entry) }, new Uint8Array(scratch.buffer));
}

/** The change a record stands for; throws with a readable message when it is not one. */
export function recordChange(record: FileRecord): CacheChange {
  const body = BodySchema.parse(record.json);
  switch (body.t) {
    case 'add': return { type: 'add', entry: decodeEntry(body.entry, record.blob) };
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
