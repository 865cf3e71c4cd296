import { InvalidRequestError, type CacheTransfer, type ImportProgress } from '@semcache/shared';
import type { CacheEngine } from '../cache/cache-engine.ts';
import { exportLines } from './namespace-export.ts';
import { NamespaceImport } from './namespace-import.ts';

/** Finished imports kept for the progress endpoint, besides the running ones. */
const KEEP_FINISHED = 20;

/** Export and import over the engine, with the progress of every import for the admin API and the dashboard. */
export class EngineTransfer implements CacheTransfer {
  readonly #engine: CacheEngine;
  /** Oldest first. */
  readonly #imports: ImportProgress[] = [];
  #seq = 0;

  constructor(engine: CacheEngine) {
    this.#engine = engine;
  }

  exportNamespace(name: string, opts: { vectors: boolean }): Iterable<string> {
    return exportLines(this.#engine, this.#engine.namespaces.get(name), opts.vectors);
  }

  async importNamespace(name: string, lines: AsyncIterable<string>, by: string, opts: { dryRun?: boolean } = {}): Promise<ImportProgress> {
    const now = this.#engine.now();
    const progress: ImportProgress = {
      id: `imp-${now.toString(36)}-${(this.#seq++).toString(36)}`, namespace: name, by, state: 'running', dryRun: opts.dryRun ?? false, startedAt: now, finishedAt: null,
      expected: null, linesRead: 0, imported: 0, skipped: 0, failed: 0, recomputed: 0, errors: [], error: null,
    };
    const run = new NamespaceImport(this.#engine, name, progress);
    this.#track(progress);
    try {
      await run.run(lines);
      progress.state = 'done';
    } catch (err) {
      progress.state = 'failed';
      progress.error = (err as Error).message;
      if (err instanceof InvalidRequestError) throw err;
    } finally {
      progress.finishedAt = this.#engine.now();
    }
    return copy(progress);
  }

  listImports(namespace?: string): ImportProgress[] {
    return this.#imports
      .filter((p) => namespace === undefined || p.namespace === namespace)
      .reverse()
      .sort((a, b) => Number(b.state === 'running') - Number(a.state === 'running'))
      .map(copy);
  }

  #track(progress: ImportProgress): void {
    this.#imports.push(progress);
    let finished = this.#imports.filter((p) => p.state !== 'running').length;
    for (let i = 0; i < this.#imports.length && finished > KEEP_FINISHED; i++) {
      if (this.#imports[i]!.state === 'running') continue;
      this.#imports.splice(i--, 1);
      finished--;
    }
  }
}

const copy = (p: ImportProgress): ImportProgress => ({ ...p, errors: [...p.errors] });
