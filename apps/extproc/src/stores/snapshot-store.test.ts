import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, open as openFile, readdir, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import { CacheEngine } from '../cache/cache-engine.ts';
import { EngineAdmin } from '../cache/engine-admin.ts';
import { entryId, type CacheEntry } from '../cache/entry.ts';
import { unpackText } from '../cache/packed-text.ts';
import { loadConfig } from '../config/load-config.ts';
import { BuiltinHashedEmbedder } from '../embedders/builtin-hashed.ts';
import lockfile from 'proper-lockfile';
import { logFileName, SNAPSHOT_FILE } from './data-dir-format.ts';
import { LOCK_NAME } from './data-dir-lock.ts';
import { SnapshotStore } from './snapshot-store.ts';

const config = loadConfig({}, { logLevel: 'silent' });

interface Opened {
  engine: CacheEngine;
  store: SnapshotStore;
  logs: { level: number; msg: string; problem?: string }[];
}

async function open(dir: string, dimensions = 64): Promise<Opened> {
  const engine = new CacheEngine({ config, embedder: new BuiltinHashedEmbedder({ dimensions }) });
  const logs: Opened['logs'] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as Opened['logs'][number]) });
  const store = new SnapshotStore({ dir, engine, logger, snapshotIntervalMs: 3_600_000, fsyncIntervalMs: 1000 });
  await store.start();
  return { engine, store, logs };
}

async function put(engine: CacheEngine, prompt: string, model = 'm'): Promise<CacheEntry> {
  const r = await engine.lookup({ partition: { model, tenant: null }, endpoint: 'chat', prompt, fingerprint: fingerprintOf(prompt), mode: 'normal' });
  assert.ok(r.kind === 'miss' && r.pending, `'${prompt}' should be a miss`);
  const entry = engine.store(r.pending, { response: `{"answer":"${prompt}"}`, contentType: 'application/json', usage: null });
  assert.ok(entry);
  return entry;
}

async function outcome(engine: CacheEngine, prompt: string, model = 'm'): Promise<string> {
  const r = await engine.lookup({ partition: { model, tenant: null }, endpoint: 'chat', prompt, fingerprint: fingerprintOf(prompt), mode: 'normal' });
  return r.outcome;
}

/** Labels the lookup of a prompt already stored (an exact hit: it has a candidate to compare with). */
async function label(engine: CacheEngine, prompt: string, verdict: 'same' | 'different'): Promise<string> {
  const r = await engine.lookup({ partition: { model: 'm', tenant: null }, endpoint: 'chat', prompt, fingerprint: fingerprintOf(prompt), mode: 'normal' });
  return new EngineAdmin(engine).labelLookup('m', { lookupId: r.event.id, verdict, by: 'ops' }).lookupId;
}

const labelsOf = (engine: CacheEngine): [string, string][] =>
  new EngineAdmin(engine).listLabels('m').map((l) => [l.lookupId, l.verdict]);

/**
 * After kill -9 the dead process's lock goes stale and the next start takes it over; here the "dead" store
 * shares this process, so its lock is dropped at once.
 */
const crash = (dir: string): Promise<void> => lockfile.unlock(dir, { lockfilePath: join(dir, LOCK_NAME), realpath: false });

/** One conversation per prompt, so that no prompt can be a semantic hit for another. */
const fingerprintOf = (prompt: string): string => `conversation of ${prompt}`;
const prompts = Array.from({ length: 20 }, (_, i) => `question number ${i} about topic ${i * 7}`);

describe('SnapshotStore', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'semcache-snap-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it('brings back entries, live settings, labels, evictions, unlabels and flushes after a clean close', async () => {
    const a = await open(dir);
    for (const p of prompts) await put(a.engine, p);
    const gone = await put(a.engine, 'an answer an operator evicts');
    await put(a.engine, 'in a namespace that is flushed', 'other');
    const admin = new EngineAdmin(a.engine);
    admin.updateSettings('m', { threshold: 0.97 });
    admin.evictEntry('m', entryId(gone.key));
    admin.flushNamespace('other');
    const kept = [await label(a.engine, prompts[0]!, 'same'), await label(a.engine, prompts[1]!, 'different')];
    admin.deleteLabel('m', await label(a.engine, prompts[2]!, 'same'));
    const labels = labelsOf(a.engine);
    assert.deepEqual(labels.map(([id]) => id), kept.toReversed());
    await a.store.close();

    const b = await open(dir);
    const m = b.engine.namespaces.get('m');
    assert.equal(m.size, prompts.length);
    assert.equal(m.settings.threshold, 0.97);
    assert.equal(m.get(gone.key), undefined);
    assert.equal(b.engine.namespaces.find('other')?.size ?? 0, 0);
    assert.deepEqual(labelsOf(b.engine), labels);
    for (const p of prompts) assert.equal(await outcome(b.engine, p), 'exact');
    await b.store.close();
  });

  it('recovers what was flushed to the log when the process dies without closing', async () => {
    const a = await open(dir);
    for (const p of prompts) await put(a.engine, p);
    const kept = await label(a.engine, prompts[0]!, 'same');
    new EngineAdmin(a.engine).deleteLabel('m', await label(a.engine, prompts[1]!, 'different'));
    await a.store.flush();
    // No close: as after kill -9, the snapshot predates these entries and only the log has them.
    await crash(dir);
    const b = await open(dir);
    assert.equal(b.engine.namespaces.get('m').size, prompts.length);
    assert.deepEqual(labelsOf(b.engine), [[kept, 'same']]);
    assert.ok(b.logs.some((l) => /cache loaded/.test(l.msg)));
    await b.store.close();
  });

  it('a snapshot written while entries are added, used and evicted, then a crash, brings back exactly the cache as it was', async () => {
    const a = await open(dir);
    const admin = new EngineAdmin(a.engine);
    for (let i = 0; i < 600; i++) await put(a.engine, `early question ${i} on subject ${i * 11}`);
    const old = [...a.engine.namespaces.get('m').entries()];
    let done = false;
    let rounds = 0;
    const snapshot = a.store.snapshot().finally(() => { done = true; });
    // Changes between the snapshot's writes (it yields after every 2 ms of encoding, or 1 MiB).
    for (let i = 0; !done; i++, rounds++) {
      await put(a.engine, `late question ${i} on subject ${i * 13}`);
      admin.evictEntry('m', entryId(old[i]!.key));
      assert.equal(await outcome(a.engine, old[old.length - 1 - i]!.prompt), 'exact');
      await new Promise((resolve) => setImmediate(resolve));
    }
    await snapshot;
    await a.store.flush();
    const expected = [...a.engine.namespaces.get('m').entries()].map((e) => entryId(e.key)).sort();
    assert.ok(rounds >= 3, `only ${rounds} rounds of changes while the snapshot ran`);
    await crash(dir);
    const b = await open(dir);
    assert.deepEqual([...b.engine.namespaces.get('m').entries()].map((e) => entryId(e.key)).sort(), expected);
    await b.store.close();
  });

  it('a snapshot of several MiB (many write calls through one reused buffer) brings back every entry and answer', async () => {
    const a = await open(dir, 256);
    const stored = new Map<string, string>();
    for (let i = 0; i < 400; i++) {
      const prompt = `long answer ${i} about topic ${i * 7}`;
      const r = await a.engine.lookup({ partition: { model: 'm', tenant: null }, endpoint: 'chat', prompt, fingerprint: fingerprintOf(prompt), mode: 'normal' });
      assert.ok(r.kind === 'miss' && r.pending);
      // Random text: answers are held deflated, and the file must still span several chunks.
      const response = JSON.stringify({ answer: `${i}: ${'é€ '.repeat(10)}${randomBytes(12_000 + i).toString('base64')}` });
      const entry = a.engine.store(r.pending, { response, contentType: 'application/json', usage: null })!;
      stored.set(entryId(entry.key), response);
    }
    await a.store.snapshot();
    assert.ok((await stat(join(dir, SNAPSHOT_FILE))).size > 4 * 1024 * 1024, 'spans several 1 MiB chunks');
    await crash(dir);
    const b = await open(dir, 256);
    const back = new Map([...b.engine.namespaces.get('m').entries()].map((e) => [entryId(e.key), unpackText(e.response)]));
    assert.deepEqual(back, stored);
    const probe = b.engine.namespaces.get('m').entries().next().value!;
    assert.equal(b.engine.namespaces.get('m').search(probe.vector, 1)[0]?.key, probe.key);
    await b.store.close();
  });

  it('ignores a torn last record of the newest log, as a crash mid-write leaves it', async () => {
    const a = await open(dir);
    for (const p of prompts) await put(a.engine, p);
    await a.store.flush();
    const log = (await readdir(dir)).find((n) => n.endsWith('.log'))!;
    await appendFile(join(dir, log), Buffer.from([200, 0, 0, 0, 0, 0]));
    await crash(dir);
    const b = await open(dir);
    assert.equal(b.engine.namespaces.get('m').size, prompts.length);
    assert.equal(b.logs.filter((l) => l.level >= 40).length, 0, 'a torn tail is not a problem worth a warning');
    await b.store.close();
  });

  it('reports a truncated snapshot, keeps it aside, and starts with what it could read', async () => {
    const a = await open(dir);
    for (const p of prompts) await put(a.engine, p);
    await a.store.close();
    const path = join(dir, SNAPSHOT_FILE);
    await truncate(path, Math.floor((await stat(path)).size / 2));

    const b = await open(dir);
    const size = b.engine.namespaces.find('m')?.size ?? 0;
    assert.ok(size > 0 && size < prompts.length, `some entries recovered, not all (got ${size})`);
    const warning = b.logs.find((l) => l.problem === 'damaged-file');
    assert.match(warning?.msg ?? '', /snapshot\.bin: file ends inside a record/);
    assert.ok((await readdir(dir)).some((n) => n.startsWith(`${SNAPSHOT_FILE}.damaged-`)), 'the damaged file is kept');
    await b.store.close();

    const c = await open(dir);
    assert.equal(c.engine.namespaces.get('m').size, size, 'the recovered entries were written back soundly');
    assert.equal(c.logs.filter((l) => l.problem).length, 0);
    await c.store.close();
  });

  it('reports a corrupt record in the middle of a log and keeps the changes before it', async () => {
    const a = await open(dir);
    await put(a.engine, prompts[0]!);
    await a.store.flush();
    const log = join(dir, logFileName(1));
    const sizeAfterOne = (await stat(log)).size;
    await put(a.engine, prompts[1]!);
    await a.store.flush();
    // Flip a byte inside the second entry's record; a third, sound record follows it.
    const fh = await openFile(log, 'r+');
    await fh.write(Buffer.from([0x7f]), 0, 1, sizeAfterOne + 40);
    await fh.close();
    await put(a.engine, prompts[2]!);
    await a.store.flush();

    await crash(dir);
    const b = await open(dir);
    const m = b.engine.namespaces.get('m');
    assert.equal(m.size, 1);
    assert.equal(await outcome(b.engine, prompts[0]!), 'exact');
    assert.ok(b.logs.some((l) => l.problem === 'damaged-file' && /checksum mismatch/.test(l.msg)));
    await b.store.close();
  });

  it('runs in memory, with an error logged, when the data directory cannot be used', async () => {
    const blocked = join(dir, 'a-file');
    await appendFile(blocked, 'not a directory');
    const a = await open(join(blocked, 'data'));
    assert.match(a.logs.find((l) => l.level === 50)?.msg ?? '', /data directory unusable/);
    await put(a.engine, prompts[0]!);
    assert.equal(await outcome(a.engine, prompts[0]!), 'exact');
    await a.store.close();
  });

  it('does not mix in vectors of another embedder: the mismatch is reported and nothing is loaded', async () => {
    const a = await open(dir, 64);
    for (const p of prompts) await put(a.engine, p);
    await a.store.close();
    const b = await open(dir, 128);
    assert.equal(b.engine.namespaces.find('m')?.size ?? 0, 0);
    assert.match(b.logs.find((l) => l.problem === 'embedder-mismatch')?.msg ?? '', /#64.*#128/);
    assert.ok((await readdir(dir)).some((n) => n.startsWith(`${SNAPSHOT_FILE}.embedder-mismatch-`)), 'the other embedder\'s cache is kept');
    await b.store.close();
  });
});
