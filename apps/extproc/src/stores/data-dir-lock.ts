import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';

export const LOCK_NAME = 'semcache.lock';
/** Beside the lock, not in it: the lock directory must be empty for its removal at release. */
const OWNER_FILE = 'semcache.lock.owner';

export interface DataDirLock {
  release(): Promise<void>;
}

export interface LockOptions {
  /** A lock not refreshed for this long belongs to a process that died: it is taken over. */
  staleMs: number;
  /** The lock was lost (its directory removed, or not refreshed in time): stop writing. */
  onCompromised: (err: Error) => void;
}

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

/**
 * An exclusive lock on the data directory, held for the life of the process: a directory created
 * atomically inside it (so it works on network volumes too) and refreshed every staleMs / 2. A start just
 * after a crash waits until the dead process's lock is stale; a live holder keeps it, and the caller is
 * told who holds it.
 */
export async function lockDataDir(dir: string, opts: LockOptions): Promise<DataDirLock> {
  const lockPath = join(dir, LOCK_NAME);
  const step = Math.max(100, Math.ceil(opts.staleMs / 5));
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, {
      lockfilePath: lockPath,
      realpath: false,
      stale: opts.staleMs,
      update: Math.floor(opts.staleMs / 2),
      retries: { retries: 7, minTimeout: step, maxTimeout: step, factor: 1 },
      onCompromised: opts.onCompromised,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    throw new DataDirLockedError(`${dir} is in use by another semcache process (${await ownerOf(dir)})`);
  }
  await writeFile(join(dir, OWNER_FILE), JSON.stringify({ host: hostname(), pid: process.pid, since: new Date().toISOString() }));
  return { release };
}

async function ownerOf(dir: string): Promise<string> {
  try {
    const owner = JSON.parse(await readFile(join(dir, OWNER_FILE), 'utf8')) as { host?: string; pid?: number; since?: string };
    return `host ${owner.host}, pid ${owner.pid}, since ${owner.since}`;
  } catch {
    return 'owner unknown';
  }
}
