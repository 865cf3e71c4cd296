import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, open, readdir, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { decodeRecords, encodeRecord, readRecordFile, RecordEncoder, writeFileAtomic } from './record-file.ts';

const three = (): Buffer => Buffer.concat([
  encodeRecord({ n: 1 }),
  encodeRecord({ n: 2 }, Buffer.from([1, 2, 3, 4])),
  encodeRecord({ n: 3, text: 'héllo' }),
]);

describe('record framing', () => {
  it('reads back what it wrote, blobs included', () => {
    const { records, damage } = decodeRecords(three());
    assert.equal(damage, null);
    assert.deepEqual(records.map((r) => r.json), [{ n: 1 }, { n: 2 }, { n: 3, text: 'héllo' }]);
    assert.deepEqual([...records[1]!.blob], [1, 2, 3, 4]);
  });

  it('reports a file cut inside a record as torn and keeps the records before it', () => {
    const buf = three();
    const { records, damage } = decodeRecords(buf.subarray(0, buf.length - 3));
    assert.equal(records.length, 2);
    assert.equal(damage?.kind, 'torn');
  });

  it('reports a flipped byte as corrupt through the checksum', () => {
    const buf = three();
    buf.writeUInt8(buf.readUInt8(buf.length - 2) ^ 0xff, buf.length - 2);
    const { records, damage } = decodeRecords(buf);
    assert.equal(records.length, 2);
    assert.equal(damage?.kind, 'corrupt');
    assert.match(damage?.detail ?? '', /checksum/);
  });

  it('reports a garbage length as corrupt rather than trying to read it', () => {
    const buf = three();
    buf.writeUInt32LE(0xfffffff0, 0);
    const { records, damage } = decodeRecords(buf);
    assert.equal(records.length, 0);
    assert.deepEqual(damage, { kind: 'corrupt', offset: 0, detail: 'impossible record length' });
  });
});

describe('RecordEncoder', () => {
  it('writes the bytes encodeRecord writes, until its buffer is full, then says so and writes nothing', () => {
    const encoder = new RecordEncoder(64);
    const blob = Uint8Array.from([9, 8, 7, 6]);
    assert.equal(encoder.append({ n: 1, text: 'héllo' }, blob), true);
    assert.equal(encoder.append({ n: 2 }, new Uint8Array(0)), true);
    const before = encoder.used;
    assert.equal(encoder.append({ n: 3, text: 'x'.repeat(40) }, blob), false);
    assert.equal(encoder.used, before);
    assert.deepEqual(encoder.take(), Buffer.concat([encodeRecord({ n: 1, text: 'héllo' }, Buffer.from(blob)), encodeRecord({ n: 2 })]));
    assert.equal(encoder.used, 0);
  });

  it('takes a record larger than its buffer when empty, and reads back what it wrote', () => {
    const encoder = new RecordEncoder(16);
    const big = { text: '€'.repeat(100) };
    assert.equal(encoder.append(big, Buffer.alloc(32, 1)), true);
    const { records, damage } = decodeRecords(Buffer.from(encoder.take()));
    assert.equal(damage, null);
    assert.deepEqual(records[0]!.json, big);
    assert.deepEqual(records[0]!.blob, Buffer.alloc(32, 1));
  });
});

describe('readRecordFile', () => {
  it('reads a file in chunks as decodeRecords reads it whole: records across chunk borders, torn end, corrupt middle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'semcache-records-'));
    try {
      const whole = Buffer.concat([three(), three()]);
      const torn = whole.subarray(0, whole.length - 3);
      const corrupt = Buffer.from(whole);
      corrupt.writeUInt8(corrupt[40]! ^ 0xff, 40);
      for (const [name, bytes] of [['whole', whole], ['torn', torn], ['corrupt', corrupt]] as const) {
        await writeFile(join(dir, name), bytes);
        const expected = decodeRecords(bytes);
        for (const chunk of [5, 7, 64, 1 << 20]) {
          const seen: [unknown, number[]][] = [];
          const got = await readRecordFile(join(dir, name), (r) => seen.push([r.json, [...r.blob]]), chunk);
          assert.deepEqual(seen, expected.records.map((r) => [r.json, [...r.blob]]), `${name}, chunks of ${chunk}`);
          assert.equal(got.count, expected.records.length, `${name}, chunks of ${chunk}`);
          assert.deepEqual(got.damage, expected.damage, `${name}, chunks of ${chunk}`);
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('hands each record over as soon as its bytes are read, before the rest of the file exists', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'semcache-records-'));
    let writer: FileHandle | null = null;
    try {
      // A pipe: the reader gets what has been written so far, and the rest only once the first records were visited.
      const path = join(dir, 'pipe');
      await promisify(execFile)('mkfifo', [path]);
      const seen: unknown[] = [];
      const reading = readRecordFile(path, (r) => seen.push(r.json));
      writer = await open(path, 'w');
      await writer.write(three());
      const until = Date.now() + 5_000;
      while (seen.length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      assert.deepEqual(seen, [{ n: 1 }, { n: 2 }, { n: 3, text: 'héllo' }]);
      await writer.write(encodeRecord({ n: 4 }));
      await writer.close();
      writer = null;
      assert.deepEqual(await reading, { count: 4, damage: null });
      assert.deepEqual(seen.at(-1), { n: 4 });
    } finally {
      // The end of the pipe, which a failed wait would otherwise leave the reader blocked on.
      await writer?.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temporary file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'semcache-atomic-'));
    try {
      const path = join(dir, 'f.bin');
      await writeFileAtomic(path, [Buffer.from('old')]);
      await writeFileAtomic(path, [Buffer.from('new '), Buffer.from('content')]);
      assert.equal(await readFile(path, 'utf8'), 'new content');
      assert.deepEqual(await readdir(dir), ['f.bin']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps the old file when writing the new one fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'semcache-atomic-'));
    try {
      const path = join(dir, 'f.bin');
      await writeFileAtomic(path, [Buffer.from('old')]);
      async function* failing(): AsyncIterable<Buffer> {
        yield Buffer.from('half');
        throw new Error('disk on fire');
      }
      await assert.rejects(writeFileAtomic(path, failing()), /disk on fire/);
      assert.equal(await readFile(path, 'utf8'), 'old');
      assert.deepEqual(await readdir(dir), ['f.bin']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
