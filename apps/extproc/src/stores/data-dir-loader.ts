import { readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheEngine } from '../cache/cache-engine.ts';
import type { CacheChange } from '../cache/changes.ts';
import { vectorOf } from '../cache/vector-slab.ts';
import { embedderKey, type EmbedderIdentity } from '@semcache/shared';
import { entryFitsEmbedder, sameEmbedder } from './entry-codec.ts';
import { logSeqOf, parseHeader, recordChange, SNAPSHOT_FILE, type Header } from './data-dir-format.ts';
import { finishAdoptions, loadIndexes } from './index-file.ts';
import { readRecordFile, type FileRecord, type Visited } from './record-file.ts';

export type ProblemKind = 'damaged-file' | 'unreadable-file' | 'embedder-mismatch' | 'bad-entry' | 'index-unusable';

export interface LoadReport {
  /** Entries in the cache once loaded. */
  entries: number;
  /** Records applied from the change logs. */
  replayed: number;
  /** Entries already expired, not loaded. */
  expired: number;
  /** Entries in a vector index once loaded, and how many of their vectors came with a saved index. */
  indexed: number;
  fromIndex: number;
  problems: { kind: ProblemKind; message: string }[];
  /** New change logs are numbered above this. */
  lastSeq: number;
}

/**
 * Rebuilds the cache from the data directory: the saved indexes (stores/index-file.ts), then the snapshot,
 * then the change logs written since, in order.
 * Damage never stops the start: what precedes it is loaded, the damaged file is kept aside under a new
 * name for inspection, and every problem is in the report. A torn last record of the newest log is what a
 * crash leaves and is not a problem.
 */
export async function loadDataDir(dir: string, engine: CacheEngine): Promise<LoadReport> {
  const report: LoadReport = { entries: 0, replayed: 0, expired: 0, indexed: 0, fromIndex: 0, problems: [], lastSeq: 0 };
  const adoptions = await loadIndexes(dir, engine, report.problems);
  const names = await readdir(dir);
  const logs = names.flatMap((name) => {
    const seq = logSeqOf(name);
    return seq === null ? [] : [{ name, seq }];
  }).sort((a, b) => a.seq - b.seq);

  let fromSeq = 0;
  if (names.includes(SNAPSHOT_FILE)) {
    const header = await loadFile(dir, SNAPSHOT_FILE, 'snapshot', engine, report, false);
    if (header) fromSeq = header.seq;
  }
  for (const [i, log] of logs.entries()) {
    report.lastSeq = Math.max(report.lastSeq, log.seq);
    // Already folded into the snapshot: a crash came between writing the snapshot and deleting these.
    if (log.seq < fromSeq) {
      await unlink(join(dir, log.name));
      continue;
    }
    await loadFile(dir, log.name, 'log', engine, report, i === logs.length - 1);
  }
  report.lastSeq = Math.max(report.lastSeq, fromSeq);
  report.fromIndex = finishAdoptions(adoptions);
  report.entries = engine.namespaces.totalEntries();
  for (const ns of engine.namespaces.all()) for (const entry of ns.entries()) if (!entry.exactOnly) report.indexed++;
  return report;
}

async function loadFile(
  dir: string, name: string, kind: Header['file'], engine: CacheEngine, report: LoadReport, newest: boolean,
): Promise<Header | null> {
  const path = join(dir, name);
  const identity = engine.embedder.identity;
  /** Undefined until the first record is read; null when that record is not a valid header. */
  let header: Header | null | undefined;
  let usable = false;
  // An embedder that has not told its dimensions yet: the file's own are what its entries must have.
  let expected = identity;
  const recordProblems: LoadReport['problems'] = [];
  let read: Visited;
  try {
    // Applied as read, never gathered: the header, first, says whether the rest may be applied.
    read = await readRecordFile(path, (record) => {
      if (header === undefined) {
        header = parseHeader(record);
        usable = header !== null && header.file === kind && sameEmbedder(header.embedder, identity);
        if (header && identity.dimensions === 0) expected = header.embedder;
        return;
      }
      if (usable) applyRecord(record, name, engine, expected, recordProblems, report, kind === 'log');
    });
  } catch (err) {
    // A directory or an unreadable file in a data file's place: one entry of the folder, not the whole of it.
    const aside = `${name}.unreadable-${Date.now()}`;
    await rename(path, join(dir, aside));
    report.problems.push(...recordProblems, { kind: 'unreadable-file', message: `${name}: ${(err as Error).message}; nothing more loaded from it, kept as ${aside}` });
    return null;
  }
  const { count, damage } = read;
  // Assigned in the callback, where the compiler does not follow it.
  const found = header as Header | null | undefined;
  if (damage && !(damage.kind === 'torn' && kind === 'log' && newest)) {
    const aside = `${name}.damaged-${Date.now()}`;
    report.problems.push({
      kind: 'damaged-file',
      message: `${name}: ${damage.detail} at byte ${damage.offset}; ${Math.max(0, count - 1)} records before it were loaded, the file is kept as ${aside}`,
    });
    await rename(path, join(dir, aside));
  }
  report.problems.push(...recordProblems);
  if (!found || found.file !== kind) {
    if (count > 0 || !damage) report.problems.push({ kind: 'damaged-file', message: `${name}: no valid header, nothing loaded from it` });
    return null;
  }
  if (!usable) {
    // Kept aside, not loaded: switching back to that embedder can restore it by hand.
    const aside = `${name}.embedder-mismatch-${Date.now()}`;
    if (!damage) await rename(path, join(dir, aside));
    report.problems.push({
      kind: 'embedder-mismatch',
      message: `${name}: written with embedder ${embedderKey(found.embedder)}, configured is ${embedderKey(identity)}; not loaded${damage ? '' : `, kept as ${aside}`}`,
    });
  }
  return found;
}

function applyRecord(
  record: FileRecord, file: string, engine: CacheEngine, expected: EmbedderIdentity, problems: LoadReport['problems'], report: LoadReport, fromLog: boolean,
): void {
  let change: CacheChange;
  try {
    change = recordChange(record);
  } catch (err) {
    problems.push({ kind: 'bad-entry', message: `${file}: unreadable record skipped: ${(err as Error).message}` });
    return;
  }
  if (change.type === 'add') {
    if (change.entry.expiresAt <= engine.now()) {
      report.expired++;
      return;
    }
    if (!entryFitsEmbedder(change.entry, expected)) {
      problems.push({ kind: 'embedder-mismatch', message: `${file}: entry skipped: its vector (${vectorOf(change.entry.vector).length} dimensions) is not a unit vector of the configured embedder` });
      return;
    }
  }
  try {
    engine.apply(change);
    if (fromLog) report.replayed++;
  } catch (err) {
    problems.push({ kind: 'bad-entry', message: `${file}: record not applied: ${(err as Error).message}` });
  }
}
