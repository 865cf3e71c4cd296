import { mkdir, open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { PairLabel } from '@semcache/shared';
import type { CacheEngine } from '../cache/cache-engine.ts';
import type { CacheChange } from '../cache/changes.ts';
import type { Namespace } from '../cache/namespace.ts';
import type { CacheStore } from './cache-store.ts';
import { appendAddRecord, changeRecord, headerRecord, logFileName, logSeqOf, SNAPSHOT_FILE } from './data-dir-format.ts';
import { loadDataDir, type LoadReport } from './data-dir-loader.ts';
import { saveIndexes } from './index-file.ts';
import { DataDirLockedError, lockDataDir, type DataDirLock } from './data-dir-lock.ts';
import { settingsChangedLive } from './live-settings.ts';
import { RecordEncoder, syncDir, writeFileAtomic } from './record-file.ts';
import { uncountedStoreMetrics, type StoreMetrics } from './store-metrics.ts';

export interface SnapshotStoreOptions {
  dir: string;
  engine: CacheEngine;
  logger: Logger;
  snapshotIntervalMs: number;
  /** Changes reach the disk (written and fdatasync'd) at least this often. */
  fsyncIntervalMs: number;
  /** See lockDataDir; 10 s unless given. */
  lockStaleMs?: number;
  metrics?: StoreMetrics;
}

/**
 * While a snapshot streams out, the event loop is held at most this long (plus one entry) before the encoded
 * entries are written and lookups run; 128 entries a batch held it 20 ms at times on a busy machine.
 */
const SNAPSHOT_SLICE_MS = 2;
/** A write call takes at most this much, whatever the slice encoded. */
const SNAPSHOT_CHUNK_BYTES = 1024 * 1024;

interface Captured {
  /** Settings changed live and epochs: the namespace records that precede the entries. */
  settings: CacheChange[];
  labels: PairLabel[];
  namespaces: Namespace[];
}

/**
 * One replica's durable cache: a periodic snapshot of everything plus an append-only log of the changes
 * since. Changes are buffered and flushed every `fsyncIntervalMs`, so a crash loses at most that much; a
 * clean close flushes everything and writes a final snapshot. Each snapshot starts a new log, so the logs
 * it covers can be deleted once it is safely renamed into place.
 */
export class SnapshotStore implements CacheStore {
  readonly kind = 'snapshot';
  readonly #opts: SnapshotStoreOptions;
  readonly #metrics: StoreMetrics;
  #seq = 0;
  #log: FileHandle | null = null;
  #pending: Buffer[] = [];
  /** Every file operation runs on this chain, in order: appends, log rotation, deletion of old logs. */
  #chain: Promise<void> = Promise.resolve();
  #snapshotting: Promise<void> | null = null;
  #timers: NodeJS.Timeout[] = [];
  #unsubscribe: (() => void) | null = null;
  #lock: DataDirLock | null = null;

  constructor(opts: SnapshotStoreOptions) {
    this.#opts = opts;
    this.#metrics = opts.metrics ?? uncountedStoreMetrics;
  }

  async start(): Promise<void> {
    const { dir, engine, logger } = this.#opts;
    let report: LoadReport;
    try {
      await mkdir(dir, { recursive: true });
      this.#lock = await lockDataDir(dir, { staleMs: this.#opts.lockStaleMs ?? 10_000, onCompromised: (err) => this.#lockLost(err) });
      report = await loadDataDir(dir, engine);
    } catch (err) {
      if (err instanceof DataDirLockedError) {
        // Two writers would each overwrite the other's snapshot; serving from memory loses nothing of theirs.
        logger.error({ dataDir: dir }, `${err.message}: this process runs without persistence (its cache is lost at exit)`);
        this.#metrics.loadProblem('snapshot', 'locked');
        return;
      }
      await this.#releaseLock();
      // An unusable directory (permissions, a full or read-only disk) must not keep the cache from serving.
      logger.error({ err, dataDir: dir }, 'data directory unusable: the cache runs in memory only');
      this.#metrics.loadProblem('snapshot', 'unusable-dir');
      return;
    }
    for (const p of report.problems) {
      this.#metrics.loadProblem('snapshot', p.kind);
      logger.warn({ dataDir: dir, problem: p.kind }, `data directory: ${p.message}`);
    }
    logger.info(
      {
        dataDir: dir, entries: report.entries, replayed: report.replayed, expired: report.expired, problems: report.problems.length,
        indexed: report.indexed, fromSavedIndex: report.fromIndex,
      },
      'cache loaded from the data directory',
    );
    this.#seq = report.lastSeq;
    this.#unsubscribe = engine.onChange((change) => this.#pending.push(changeRecord(change)));
    // A fresh snapshot at once folds the replayed logs in and puts recovered data back in a sound file.
    await this.snapshot();
    // Before traffic, where saving's pause costs nothing: the next start then loads what was just rebuilt.
    if (report.indexed > report.fromIndex) await this.saveIndexes();
    this.#timers.push(
      setInterval(() => this.#flush(), this.#opts.fsyncIntervalMs),
      setInterval(() => this.#snapshotInBackground(), this.#opts.snapshotIntervalMs),
    );
    for (const t of this.#timers) t.unref();
  }

  async close(): Promise<void> {
    if (!this.#unsubscribe) return;
    for (const t of this.#timers) clearInterval(t);
    await this.#snapshotting;
    await this.snapshot();
    await this.saveIndexes();
    this.#unsubscribe?.();
    this.#flush();
    this.#enqueue(async () => {
      await this.#log?.close();
      this.#log = null;
    });
    await this.#chain;
    await this.#releaseLock();
  }

  /** Another process may own the directory now: write nothing more to it. */
  #lockLost(err: Error): void {
    this.#opts.logger.error({ err, dataDir: this.#opts.dir }, 'lost the data directory lock: persistence stops, the cache goes on in memory');
    this.#metrics.loadProblem('snapshot', 'lock-lost');
    for (const t of this.#timers) clearInterval(t);
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#lock = null;
  }

  async #releaseLock(): Promise<void> {
    const lock = this.#lock;
    this.#lock = null;
    await lock?.release().catch((err: unknown) => this.#opts.logger.warn({ err }, 'releasing the data directory lock failed'));
  }

  /** Writes the changes made so far to the log now; resolves once they are on disk. */
  async flush(): Promise<void> {
    this.#flush();
    await this.#chain;
  }

  /**
   * Saves the vector indexes for a fast restart: at start-up after a rebuild and at shutdown only, as usearch
   * writes them synchronously. A crash meanwhile costs the next start the inserts of what changed since.
   */
  async saveIndexes(): Promise<void> {
    try {
      const saved = await saveIndexes(this.#opts.dir, this.#opts.engine, this.#seq);
      this.#opts.logger.info({ dataDir: this.#opts.dir, ...saved }, 'vector indexes saved');
    } catch (err) {
      this.#opts.logger.error({ err, dataDir: this.#opts.dir }, 'saving the vector indexes failed; the next start inserts every vector again');
    }
  }

  /** Writes a snapshot of the cache as it is now and deletes the logs it makes redundant. */
  async snapshot(): Promise<void> {
    const seq = this.#rotate();
    const captured = this.#capture();
    const path = join(this.#opts.dir, SNAPSHOT_FILE);
    try {
      await writeFileAtomic(path, this.#snapshotChunks(seq, captured));
    } catch (err) {
      this.#opts.logger.error({ err, dataDir: this.#opts.dir }, 'snapshot failed; the change logs still hold everything');
      return;
    }
    this.#enqueue(() => this.#deleteLogsBefore(seq));
    await this.#chain;
  }

  #snapshotInBackground(): void {
    if (this.#snapshotting) return;
    this.#snapshotting = this.snapshot().finally(() => {
      this.#snapshotting = null;
    });
  }

  /**
   * Starts a new log, synchronously as seen by the engine: every change before this call is in an older
   * log (or pending for it), every change after it goes to the new one. Returns the new log's number.
   */
  #rotate(): number {
    const pending = this.#pending;
    this.#pending = [];
    const seq = ++this.#seq;
    const header = headerRecord('log', this.#opts.engine.embedder.identity, seq);
    this.#enqueue(async () => {
      if (this.#log) {
        await this.#append(pending);
        await this.#log.close();
        this.#log = null;
      }
      this.#log = await open(join(this.#opts.dir, logFileName(seq)), 'a');
      await this.#log.write(header);
      await syncDir(this.#opts.dir);
    });
    return seq;
  }

  /**
   * Settings, labels and the namespaces as they are now. Their entries are read while the snapshot is
   * written, a batch at a time, so that a million of them never hold the event loop: copying the list alone
   * took 0.2-0.5 s on a busy machine. What changes meanwhile is in the new log, replayed on top at load, and
   * replaying is idempotent: an entry added, moved (LRU) or removed while the snapshot runs ends as the log
   * says, whether the snapshot saw it or not.
   */
  #capture(): Captured {
    const { engine } = this.#opts;
    const captured: Captured = { settings: [], labels: engine.labels.all(), namespaces: engine.namespaces.all() };
    for (const ns of captured.namespaces) {
      if (settingsChangedLive(engine, ns)) {
        captured.settings.push({ type: 'settings', namespace: ns.name, settings: { ...ns.settings } });
      }
      // Before the entries, so that superseded ones not yet reclaimed are dropped again at load.
      if (ns.epoch > 0) captured.settings.push({ type: 'epoch', namespace: ns.name, epoch: ns.epoch });
    }
    return captured;
  }

  async *#snapshotChunks(seq: number, captured: Captured): AsyncIterable<Buffer> {
    yield headerRecord('snapshot', this.#opts.engine.embedder.identity, seq);
    for (const change of captured.settings) yield changeRecord(change);
    for (const label of captured.labels) yield changeRecord({ type: 'label', label });
    // writeFileAtomic writes each chunk before it asks for the next, so one buffer serves the whole snapshot.
    const encoder = new RecordEncoder(SNAPSHOT_CHUNK_BYTES);
    let sliceStart = performance.now();
    for (const ns of captured.namespaces) {
      for (const entry of ns.entries()) {
        if (!appendAddRecord(encoder, entry)) {
          yield encoder.take();
          appendAddRecord(encoder, entry);
          sliceStart = performance.now();
        }
        if (performance.now() - sliceStart < SNAPSHOT_SLICE_MS) continue;
        yield encoder.take();
        sliceStart = performance.now();
      }
    }
    if (encoder.used > 0) yield encoder.take();
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    const pending = this.#pending;
    this.#pending = [];
    this.#enqueue(() => this.#append(pending));
  }

  async #append(records: Buffer[]): Promise<void> {
    if (records.length === 0 || !this.#log) return;
    try {
      await this.#log.write(Buffer.concat(records));
      await this.#log.datasync();
    } catch (err) {
      this.#metrics.writeDropped('snapshot', records.length);
      this.#opts.logger.error({ err, dataDir: this.#opts.dir, changes: records.length }, 'could not write the change log');
    }
  }

  async #deleteLogsBefore(seq: number): Promise<void> {
    for (const name of await readdir(this.#opts.dir)) {
      const n = logSeqOf(name);
      if (n !== null && n < seq) await unlink(join(this.#opts.dir, name));
    }
  }

  #enqueue(step: () => Promise<void>): void {
    this.#chain = this.#chain.then(step).catch((err: unknown) => {
      this.#opts.logger.error({ err, dataDir: this.#opts.dir }, 'data directory operation failed');
    });
  }
}
