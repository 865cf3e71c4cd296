import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CacheEngine } from '../cache/cache-engine.ts';
import type { CacheEntry } from '../cache/entry.ts';
import { vectorOf } from '../cache/vector-slab.ts';
import { loadConfig } from '../config/load-config.ts';
import { BuiltinHashedEmbedder } from '../embedders/builtin-hashed.ts';
import { packedSize, unpackText } from '../cache/packed-text.ts';
import { appendAddRecord, changeRecord, FORMAT, headerRecord, parseHeader, recordChange } from './data-dir-format.ts';
import { entryMeta, vectorBytes } from './entry-codec.ts';
import { decodeRecords, encodeRecord, RecordEncoder } from './record-file.ts';

const DIMENSIONS = 384;
/** Long enough to be held deflated from the fifth on, and not ASCII. */
const answer = (i: number): string => JSON.stringify({ answer: `Réponse ${i}: ${'a router forwards packets between networks. '.repeat(i % 5)}` });

async function storedEntries(n: number): Promise<CacheEntry[]> {
  const embedder = new BuiltinHashedEmbedder({ dimensions: DIMENSIONS });
  const engine = new CacheEngine({ config: loadConfig({}, { logLevel: 'silent' }), embedder });
  for (let i = 0; i < n; i++) {
    const result = await engine.lookup({ partition: { model: 'm', tenant: null }, endpoint: 'chat', prompt: `question number ${i} about routers`, fingerprint: `fp-${i}`, mode: 'normal' });
    assert.ok(result.kind === 'miss' && result.pending);
    engine.store(result.pending, { response: answer(i), contentType: 'application/json', usage: null });
  }
  return [...engine.namespaces.get('m').entries()];
}

describe('appendAddRecord', () => {
  it('writes the bytes changeRecord writes for an entry whose vector is a row of its slab (f16), read back as f32', async () => {
    const entries = await storedEntries(20);
    assert.ok(vectorOf(entries[0]!.vector) instanceof Float16Array, 'stored at the index precision');
    const encoder = new RecordEncoder(1 << 20);
    for (const entry of entries) assert.equal(appendAddRecord(encoder, entry), true);
    const bytes = Buffer.from(encoder.take());
    assert.deepEqual(bytes, Buffer.concat(entries.map((entry) => changeRecord({ type: 'add', entry }))));
    const { records } = decodeRecords(bytes);
    records.forEach((record, i) => {
      const change = recordChange(record);
      assert.ok(change.type === 'add');
      assert.equal(change.entry.key, entries[i]!.key);
      assert.deepEqual(change.entry.vector, new Float32Array(vectorOf(entries[i]!.vector)));
    });
  });
});

describe('add records (format 2)', () => {
  it('carry the answer as held, after the vector, with no text of it in the JSON', async () => {
    const entries = await storedEntries(10);
    assert.ok(entries.some((e) => packedSize(e.response) < Buffer.byteLength(unpackText(e.response))), 'some answers are held deflated');
    for (const [i, entry] of entries.entries()) {
      const [record] = decodeRecords(changeRecord({ type: 'add', entry })).records;
      assert.equal((record!.json as { entry: Record<string, unknown> }).entry.response, undefined);
      assert.equal(record!.blob.length, DIMENSIONS * 4 + packedSize(entry.response));
      const change = recordChange(record!);
      assert.ok(change.type === 'add');
      assert.equal(change.entry.response, entry.response);
      assert.equal(unpackText(change.entry.response), answer(i));
    }
  });

  it('of format 1, with the answer as text in the JSON, still load', async () => {
    const [entry] = await storedEntries(1);
    const old = encodeRecord({ t: 'add', entry: entryMeta(entry!) }, vectorBytes(entry!.vector));
    const change = recordChange(decodeRecords(old).records[0]!);
    assert.ok(change.type === 'add');
    assert.equal(unpackText(change.entry.response), answer(0));
    const header = parseHeader(decodeRecords(encodeRecord({ t: 'header', format: 1, file: 'snapshot', embedder: { provider: 'builtin', model: 'm', version: '1', dimensions: DIMENSIONS }, seq: 0 })).records[0]);
    assert.equal(header?.format, 1);
    assert.equal(parseHeader(decodeRecords(headerRecord('snapshot', header!.embedder, 0)).records[0])?.format, FORMAT);
  });

  it('refuse an answer that does not fit its blob, or bytes no packing made', async () => {
    const [entry] = await storedEntries(1);
    const json = { t: 'add', entry: entryMeta(entry!, false) };
    const vector = vectorBytes(entry!.vector);
    assert.throws(() => recordChange(decodeRecords(encodeRecord({ ...json, answerBytes: vector.length + 10 }, vector)).records[0]!), /an answer of/);
    assert.throws(() => recordChange(decodeRecords(encodeRecord({ ...json, answerBytes: 3 }, Buffer.concat([vector, Buffer.from([7, 1, 2])]))).records[0]!), /not a packed answer/);
    assert.throws(() => recordChange(decodeRecords(encodeRecord(json, vector)).records[0]!), /no answer/);
  });
});
