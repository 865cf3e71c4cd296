import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CacheEngine } from '../cache/cache-engine.ts';
import type { CacheEntry } from '../cache/entry.ts';
import { vectorOf } from '../cache/vector-slab.ts';
import { loadConfig } from '../config/load-config.ts';
import { BuiltinHashedEmbedder } from '../embedders/builtin-hashed.ts';
import { appendAddRecord, changeRecord, recordChange } from './data-dir-format.ts';
import { decodeRecords, RecordEncoder } from './record-file.ts';

const DIMENSIONS = 384;

async function storedEntries(n: number): Promise<CacheEntry[]> {
  const embedder = new BuiltinHashedEmbedder({ dimensions: DIMENSIONS });
  const engine = new CacheEngine({ config: loadConfig({}, { logLevel: 'silent' }), embedder });
  for (let i = 0; i < n; i++) {
    const result = await engine.lookup({ partition: { model: 'm', tenant: null }, endpoint: 'chat', prompt: `question number ${i} about routers`, fingerprint: `fp-${i}`, mode: 'normal' });
    assert.ok(result.kind === 'miss' && result.pending);
    engine.store(result.pending, { response: `{"answer":"${i}"}`, contentType: 'application/json', usage: null });
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
