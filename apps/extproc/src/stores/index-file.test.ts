import assert from 'node:assert/strict';
import { readdir, readFile, rm, mkdtemp, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import pino from 'pino';
import lockfile from 'proper-lockfile';
import { CacheEngine } from '../cache/cache-engine.ts';
import { EngineAdmin } from '../cache/engine-admin.ts';
import { entryId, type CacheEntry } from '../cache/entry.ts';
import { VectorIndex, type IndexPrecisionSetting } from '../cache/vector-index.ts';
import { loadConfig } from '../config/load-config.ts';
import { BuiltinHashedEmbedder } from '../embedders/builtin-hashed.ts';
import { LOCK_NAME } from './data-dir-lock.ts';
import { INDEX_MANIFEST } from './index-file.ts';
import { decodeRecords, encodeRecord } from './record-file.ts';
import { SnapshotStore } from './snapshot-store.ts';

const config = loadConfig({}, { logLevel: 'silent' });
const DIMENSIONS = 64;

interface Opened {
  engine: CacheEngine;
  store: SnapshotStore;
  loaded: { entries: number; indexed: number; fromSavedIndex: number };
  problems: string[];
}

async function open(dir: string, indexPrecision: IndexPrecisionSetting = 'f32', dimensions = DIMENSIONS): Promise<Opened> {
  const engine = new CacheEngine({ config, embedder: new BuiltinHashedEmbedder({ dimensions }), indexPrecision });
  const lines: { msg: string; problem?: string; entries?: number; indexed?: number; fromSavedIndex?: number }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) });
  const store = new SnapshotStore({ dir, engine, logger, snapshotIntervalMs: 3_600_000, fsyncIntervalMs: 1000 });
  await store.start();
  const loaded = lines.find((l) => l.msg === 'cache loaded from the data directory');
  assert.ok(loaded);
  return {
    engine, store,
    loaded: { entries: loaded.entries!, indexed: loaded.indexed!, fromSavedIndex: loaded.fromSavedIndex! },
    problems: lines.flatMap((l) => (l.problem ? [`${l.problem}: ${l.msg}`] : [])),
  };
}

/** One conversation per prompt, so that no prompt can be a semantic hit for another. */
async function put(engine: CacheEngine, prompt: string): Promise<CacheEntry> {
  const r = await engine.lookup({ partition: { model: 'm', tenant: null }, endpoint: 'chat', prompt, fingerprint: `of ${prompt}`, mode: 'normal' });
  assert.ok(r.kind === 'miss' && r.pending, `'${prompt}' should be a miss`);
  const entry = engine.store(r.pending, { response: `{"answer":"${prompt}"}`, contentType: 'application/json', usage: null });
  assert.ok(entry);
  return entry;
}

/** Every entry's own vector finds that entry first: the index holds exactly what the entries say. */
function assertIndexed(engine: CacheEngine, expected: number): void {
  const ns = engine.namespaces.get('m');
  assert.equal(ns.size, expected);
  for (const entry of ns.entries()) {
    const [best] = ns.search(entry.vector, 1);
    assert.equal(best?.key, entry.key, `entry '${entry.prompt}' is not found by its own vector`);
  }
}

const crash = (dir: string): Promise<void> => lockfile.unlock(dir, { lockfilePath: join(dir, LOCK_NAME), realpath: false });
const prompts = Array.from({ length: 50 }, (_, i) => `question number ${i} about subject ${i * 13}`);
const indexFiles = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((n) => n.endsWith('.usearch'));

/** Rewrites the manifest's single index record with what `edit` makes of it. */
async function editManifest(dir: string, edit: (json: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const { records } = decodeRecords(await readFile(join(dir, INDEX_MANIFEST)));
  const [header, entry] = records;
  await writeFile(join(dir, INDEX_MANIFEST), Buffer.concat([encodeRecord(header!.json), encodeRecord(edit(entry!.json as Record<string, unknown>), entry!.blob)]));
}

describe('saved vector indexes', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'semcache-index-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it('a restart after a clean close loads the saved index instead of inserting every vector again', async () => {
    const a = await open(dir);
    for (const p of prompts) await put(a.engine, p);
    await a.store.close();
    assert.equal((await indexFiles(dir)).length, 1);

    const b = await open(dir);
    assert.deepEqual(b.loaded, { entries: 50, indexed: 50, fromSavedIndex: 50 });
    assert.deepEqual(b.problems, []);
    assertIndexed(b.engine, 50);
    await b.store.close();
  });

  /** What is broken, how, the precision configured for the restart, and what the reported problem says (none for old data). */
  const broken: [string, (dir: string) => Promise<void>, IndexPrecisionSetting, string | null][] = [
    ['written before indexes were saved (no manifest, no index file)', async (d) => {
      await rm(join(d, INDEX_MANIFEST));
      for (const f of await indexFiles(d)) await rm(join(d, f));
    }, 'f32', null],
    ['missing its index file', async (d) => { for (const f of await indexFiles(d)) await rm(join(d, f)); }, 'f32', 'missing or unreadable'],
    ['with a damaged index file', async (d) => {
      const [f] = await indexFiles(d);
      const bytes = await readFile(join(d, f!));
      bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
      await writeFile(join(d, f!), bytes);
    }, 'f32', 'checksum differs'],
    ['with a truncated manifest', async (d) => { await truncate(join(d, INDEX_MANIFEST), 20); }, 'f32', 'indexes.bin: '],
    ['saved at another precision than the one configured now', async () => undefined, 'f16', 'saved at f32, configured precision is f16'],
    ['whose index file has other dimensions (the manifest agreeing with the file)', async (d) => {
      const [f] = await indexFiles(d);
      const other = new VectorIndex(DIMENSIONS / 2);
      other.add(1n, new Float32Array(DIMENSIONS / 2).fill(1 / Math.sqrt(DIMENSIONS / 2)));
      other.save(join(d, f!));
      const bytes = await readFile(join(d, f!));
      await editManifest(d, (json) => ({ ...json, bytes: bytes.length, crc: crc32(bytes) }));
    }, 'f32', `has ${DIMENSIONS / 2} dimensions, expected ${DIMENSIONS}`],
  ];
  for (const [what, breakIt, precision, problem] of broken) {
    it(`a data directory ${what} is rebuilt from the entries, losing none, and saved for the next start`, async () => {
      const a = await open(dir);
      for (const p of prompts) await put(a.engine, p);
      await a.store.close();
      await breakIt(dir);

      const b = await open(dir, precision);
      assert.deepEqual(b.loaded, { entries: 50, indexed: 50, fromSavedIndex: 0 });
      const reported = b.problems.filter((p) => p.startsWith('index-unusable'));
      assert.equal(reported.length, problem ? 1 : 0, reported.join('\n'));
      if (problem) assert.ok(reported[0]!.includes(problem), reported[0]);
      assertIndexed(b.engine, 50);
      await crash(dir);

      const c = await open(dir, precision);
      assert.deepEqual(c.loaded, { entries: 50, indexed: 50, fromSavedIndex: 50 });
      assertIndexed(c.engine, 50);
      await c.store.close();
    });
  }

  it('auto (i8 from 256 dimensions) adopts the f16 index it chose before; an explicit i8 rebuilds it', async () => {
    const a = await open(dir, 'f16', 256);
    for (const p of prompts) await put(a.engine, p);
    await a.store.close();
    const b = await open(dir, 'auto', 256);
    assert.deepEqual(b.loaded, { entries: 50, indexed: 50, fromSavedIndex: 50 });
    assert.deepEqual(b.problems, []);
    assertIndexed(b.engine, 50);
    await b.store.close();
    const c = await open(dir, 'i8', 256);
    assert.deepEqual(c.loaded, { entries: 50, indexed: 50, fromSavedIndex: 0 });
    assert.ok(c.problems.some((p) => p.includes('saved at f16, configured precision is i8')), c.problems.join('\n'));
    assertIndexed(c.engine, 50);
    await c.store.close();
  });

  it('an explicit b1 rebuilds an i8 index, saves its own and loads it again; auto then rebuilds at i8', async () => {
    const a = await open(dir, 'i8', 384);
    for (const p of prompts) await put(a.engine, p);
    await a.store.close();
    const b = await open(dir, 'b1', 384);
    assert.deepEqual(b.loaded, { entries: 50, indexed: 50, fromSavedIndex: 0 });
    assert.ok(b.problems.some((p) => p.includes('saved at i8, configured precision is b1')), b.problems.join('\n'));
    assertIndexed(b.engine, 50);
    await b.store.close();
    const c = await open(dir, 'b1', 384);
    assert.deepEqual(c.loaded, { entries: 50, indexed: 50, fromSavedIndex: 50 });
    assert.deepEqual(c.problems, []);
    assertIndexed(c.engine, 50);
    await c.store.close();
    const d = await open(dir, 'auto', 384);
    assert.deepEqual(d.loaded, { entries: 50, indexed: 50, fromSavedIndex: 0 });
    assertIndexed(d.engine, 50);
    await d.store.close();
  });

  it('after a crash, an older saved index gets the entries added since and loses the ones removed since', async () => {
    const a = await open(dir);
    for (const p of prompts.slice(0, 30)) await put(a.engine, p);
    await a.store.close();

    const b = await open(dir);
    const added = [];
    for (const p of prompts.slice(30, 40)) added.push(await put(b.engine, p));
    const admin = new EngineAdmin(b.engine);
    const evicted = [...b.engine.namespaces.get('m').entries()].slice(0, 5);
    for (const e of evicted) admin.evictEntry('m', entryId(e.key));
    await b.store.flush();
    await crash(dir);

    const c = await open(dir);
    assert.deepEqual(c.loaded, { entries: 35, indexed: 35, fromSavedIndex: 25 });
    assertIndexed(c.engine, 35);
    const ns = c.engine.namespaces.get('m');
    for (const e of evicted) {
      assert.ok(ns.search(e.vector, 35).every((n) => n.key !== e.key), `evicted '${e.prompt}' is still in the index`);
    }
    await c.store.close();
  });
});
