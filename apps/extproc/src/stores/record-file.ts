import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';

/**
 * The framing of every file in the data directory: records of
 * `[u32 json length][u32 blob length][u32 crc32 of json+blob][json][blob]`, little-endian. The CRC tells a
 * torn write (the file ends inside a record) from a corrupt one (the bytes are there but wrong).
 */
const FRAME = 12;
/** A length beyond this is corruption, not data: no record of ours comes near it. */
const MAX_PART = 256 * 1024 * 1024;

export interface FileRecord {
  json: unknown;
  blob: Buffer;
}

export interface Damage {
  /** torn: the file ends inside a record, as a crash mid-write leaves it; corrupt: bytes that are wrong. */
  kind: 'torn' | 'corrupt';
  offset: number;
  detail: string;
}

export interface ReadResult {
  records: FileRecord[];
  /** Null when every byte of the file was read as valid records. */
  damage: Damage | null;
}

export function encodeRecord(json: unknown, blob: Uint8Array = new Uint8Array(0)): Buffer {
  const text = JSON.stringify(json);
  const out = Buffer.allocUnsafe(FRAME + Buffer.byteLength(text, 'utf8') + blob.length);
  writeRecord(out, 0, text, blob);
  return out;
}

/** Frames one record into `buf` at `start`, which must have room for it; returns where the record ends. */
function writeRecord(buf: Buffer, start: number, text: string, blob: Uint8Array): number {
  const textLen = buf.write(text, start + FRAME, 'utf8');
  buf.set(blob, start + FRAME + textLen);
  const end = start + FRAME + textLen + blob.length;
  buf.writeUInt32LE(textLen, start);
  buf.writeUInt32LE(blob.length, start + 4);
  buf.writeUInt32LE(crc32(buf.subarray(start + FRAME, end)), start + 8);
  return end;
}

/**
 * Encodes records one after another into one buffer that it reuses: a snapshot of a million entries then
 * makes no Buffer per record, whose external memory is what drove V8 into a full collection (a pause of tens of
 * ms on a large heap) every few hundred records. What `take` returns is only valid until the next `append`.
 */
export class RecordEncoder {
  #buf: Buffer;
  #used = 0;

  constructor(bytes: number) {
    this.#buf = Buffer.allocUnsafe(bytes);
  }

  get used(): number {
    return this.#used;
  }

  /** Appends a record; returns false, writing nothing, when the buffer has no room for it (`take` first). */
  append(json: unknown, blob: Uint8Array): boolean {
    const text = JSON.stringify(json);
    // UTF-8 takes at most 3 bytes per UTF-16 unit: room checked before writing, so that nothing is cut.
    const worst = FRAME + text.length * 3 + blob.length;
    if (this.#used + worst > this.#buf.length) {
      if (this.#used > 0) return false;
      this.#buf = Buffer.allocUnsafe(worst);
    }
    this.#used = writeRecord(this.#buf, this.#used, text, blob);
    return true;
  }

  /** The records appended since the last take. */
  take(): Buffer {
    const out = this.#buf.subarray(0, this.#used);
    this.#used = 0;
    return out;
  }
}

export interface Visited {
  /** Records visited, the damaged one not counted. */
  count: number;
  /** Null when every byte was read as valid records. */
  damage: Damage | null;
}

/**
 * Hands each record of `buf` to `visit` in order, up to the first damage; what follows damage cannot be
 * trusted to be framed right. A record's blob is a view of `buf`: copy what is kept.
 */
export function visitRecords(buf: Buffer, visit: (record: FileRecord) => void): Visited {
  let count = 0;
  let at = 0;
  const damaged = (kind: Damage['kind'], detail: string): Visited => ({ count, damage: { kind, offset: at, detail } });
  while (at < buf.length) {
    if (buf.length - at < FRAME) return damaged('torn', 'file ends inside a record header');
    const textLen = buf.readUInt32LE(at);
    const blobLen = buf.readUInt32LE(at + 4);
    if (textLen > MAX_PART || blobLen > MAX_PART) return damaged('corrupt', 'impossible record length');
    const end = at + FRAME + textLen + blobLen;
    if (end > buf.length) return damaged('torn', 'file ends inside a record');
    const text = buf.subarray(at + FRAME, at + FRAME + textLen);
    const blob = buf.subarray(at + FRAME + textLen, end);
    if (crc32(blob, crc32(text)) !== buf.readUInt32LE(at + 8)) return damaged('corrupt', 'checksum mismatch');
    let json: unknown;
    try {
      json = JSON.parse(text.toString('utf8'));
    } catch {
      return damaged('corrupt', 'record is not JSON');
    }
    visit({ json, blob });
    count++;
    at = end;
  }
  return { count, damage: null };
}

/** Every record of a small file at once (the index manifest, tests). */
export function decodeRecords(buf: Buffer): ReadResult {
  const records: FileRecord[] = [];
  const { damage } = visitRecords(buf, (r) => records.push(r));
  return { records, damage };
}

/**
 * Read this much at a time: Node cannot read a file of 2 GiB or more into one buffer (a 1M snapshot is 2.8 GB),
 * and each chunk's records are applied before the next is read into the same buffer.
 */
const READ_CHUNK = 16 * 1024 * 1024;

/**
 * `visitRecords` over a file of any size, read in chunks into one buffer; damage offsets are from the file's
 * start. Each record is visited as it is decoded, never gathered: a start-up that kept a million decoded records
 * until all were read held the whole file in memory, and its records, outliving young collections, left ~450 B
 * per entry of freed old-generation pages. One buffer, not one per chunk: each freed chunk raised glibc's
 * mmap threshold, and the allocations after it then came from, and stayed in, the brk heap.
 * A blob is a view of that buffer, overwritten by the next read.
 */
export async function readRecordFile(path: string, visit: (record: FileRecord) => void, chunkBytes = READ_CHUNK): Promise<Visited> {
  const handle = await open(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(chunkBytes);
    let count = 0;
    let held = 0;
    let base = 0;
    for (;;) {
      if (held === buf.length) {
        // A record longer than the buffer: it grows to hold it whole.
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, held);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, held, buf.length - held, null);
      const filled = buf.subarray(0, held + bytesRead);
      const got = visitRecords(filled, visit);
      count += got.count;
      const damage = got.damage && { ...got.damage, offset: got.damage.offset + base };
      if (bytesRead === 0 || (damage && damage.kind === 'corrupt')) return { count, damage };
      const rest = got.damage ? got.damage.offset : filled.length;
      buf.copyWithin(0, rest, filled.length);
      held = filled.length - rest;
      base += rest;
    }
  } finally {
    await handle.close();
  }
}

/** fsync of the directory makes a rename or a new file itself survive a power cut, not only its bytes. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` with the given chunks atomically: a temporary file is written and fsynced, then renamed
 * over the old one. A crash at any point leaves either the old file or the new one, never a mix.
 */
export async function writeFileAtomic(path: string, chunks: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<void> {
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    for await (const chunk of chunks) await handle.write(chunk);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  await rename(tmp, path);
  await syncDir(dirname(path));
}
