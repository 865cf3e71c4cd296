import { InvalidRequestError, type EmbedderIdentity, type ExportHeader, type ImportProgress } from '@semcache/shared';
import { newKey, type CacheEngine } from '../cache/cache-engine.ts';
import type { CacheEntry } from '../cache/entry.ts';
import type { Namespace } from '../cache/namespace.ts';
import { parsePartitionName, partitionName, type Partition } from '../cache/partition.ts';
import { isUnitVector } from '../embedders/embedder.ts';
import { LineError, parseEntryLine, parseHeader } from './export-format.ts';

/** Prompts per embedder call when vectors are recomputed: the size the local model batches best at. */
const EMBED_BATCH = 32;
/** Valid lines held before they are applied, so that entries keep the export's order around an embedding batch. */
const MAX_QUEUED = 256;
/** Bad lines listed with their reason; the rest are only counted. */
const MAX_LISTED_ERRORS = 100;

interface Queued {
  line: number;
  entry: CacheEntry;
  /** The vector is this server's embedder's to compute. */
  embed: boolean;
}

/** Vectors can be reused only from the very same embedder: another one's space cannot be compared with ours. */
function sameVectorSpace(a: EmbedderIdentity, b: EmbedderIdentity): boolean {
  return a.provider === b.provider && a.model === b.model && a.version === b.version && a.dimensions === b.dimensions && b.dimensions > 0;
}

const tenantOf = (t: string | null): string => (t === null ? 'no tenant' : `tenant '${t}'`);

/**
 * One import into one namespace. Reading waits while a batch is embedded, so a fast sender is held back by
 * the body stream rather than buffered. Every line is decoded and checked in full before its entry is added,
 * and an entry is added in one step (CacheEngine.add): a bad line is counted, never half applied.
 */
export class NamespaceImport {
  readonly progress: ImportProgress;
  readonly #engine: CacheEngine;
  readonly #name: string;
  readonly #partition: Partition;
  #reuseVectors = false;
  #queue: Queued[] = [];
  #toEmbed = 0;

  constructor(engine: CacheEngine, name: string, progress: ImportProgress) {
    this.#engine = engine;
    this.#name = name;
    this.progress = progress;
    let partition: Partition;
    try {
      partition = parsePartitionName(name);
    } catch (err) {
      throw new InvalidRequestError((err as Error).message, 'namespace');
    }
    if (partitionName(partition) !== name) throw new InvalidRequestError(`'${name}' is not written as a namespace name is (it reads as '${partitionName(partition)}')`, 'namespace');
    this.#partition = partition;
  }

  /** Throws `InvalidRequestError` for a bad header (nothing applied); any error of `lines` goes to the caller. */
  async run(lines: AsyncIterable<string>): Promise<void> {
    const it = lines[Symbol.asyncIterator]();
    try {
      await this.#read(it);
    } finally {
      // Stops reading a body refused at its header, as a for-await loop would.
      await it.return?.();
    }
  }

  async #read(it: AsyncIterator<string>): Promise<void> {
    let lineNo = 0;
    let next = await it.next();
    for (; !next.done; next = await it.next()) {
      lineNo++;
      if (next.value.trim() !== '') break;
    }
    const header = this.#header(next.done ? undefined : next.value, lineNo);
    this.#reuseVectors = header.vectors && sameVectorSpace(header.embedder, this.#engine.embedder.identity);
    try {
      for (next = await it.next(); !next.done; next = await it.next()) {
        lineNo++;
        if (next.value.trim() === '') continue;
        this.progress.linesRead++;
        this.#line(lineNo, next.value);
        if (this.#toEmbed >= EMBED_BATCH || this.#queue.length >= MAX_QUEUED) await this.#flush();
      }
    } finally {
      // The lines checked so far are whole entries: they are applied even when the body breaks off after them.
      await this.#flush();
    }
  }

  #header(text: string | undefined, lineNo: number): ExportHeader {
    let header: ExportHeader;
    try {
      header = parseHeader(text);
    } catch (err) {
      if (err instanceof LineError) throw new InvalidRequestError(`line ${Math.max(1, lineNo)}: ${err.message}`, 'body');
      throw err;
    }
    const source = this.#partitionOf(header.namespace);
    if (source === null || source.tenant !== this.#partition.tenant) {
      throw new InvalidRequestError(
        `the export is of namespace '${header.namespace}' (${source === null ? 'not a namespace name' : tenantOf(source.tenant)}); '${this.#name}' holds ${tenantOf(this.#partition.tenant)}: entries never cross tenants`,
        'namespace',
      );
    }
    if (!this.progress.dryRun && !this.#namespace()) throw new InvalidRequestError(`namespace '${this.#name}' cannot be created: the namespace table is full (maxNamespaces)`, 'namespace');
    this.progress.expected = header.entries;
    return header;
  }

  #line(line: number, text: string): void {
    let decoded: ReturnType<typeof parseEntryLine>;
    try {
      decoded = parseEntryLine(text);
    } catch (err) {
      if (err instanceof LineError) return this.#fail(line, err.message);
      throw err;
    }
    const { entry, vector } = decoded;
    const source = this.#partitionOf(entry.namespace);
    if (source === null) return this.#fail(line, `namespace '${entry.namespace}' is not a namespace name`);
    if (source.tenant !== this.#partition.tenant) {
      return this.#fail(line, `an entry of ${tenantOf(source.tenant)}; this namespace holds ${tenantOf(this.#partition.tenant)}`);
    }
    if (entry.expiresAt <= this.#engine.now()) {
      this.progress.skipped++;
      return;
    }
    let embed = false;
    if (this.#reuseVectors && vector !== null) {
      const { dimensions } = this.#engine.embedder.identity;
      if (vector.length !== dimensions) return this.#fail(line, `a vector of ${vector.length} dimensions; the embedder has ${dimensions}`);
      if (!isUnitVector(vector)) return this.#fail(line, 'a degenerate vector (not of unit length), which cosine would match to anything');
    } else if (!(this.#reuseVectors && entry.exactOnly)) {
      embed = true;
      this.#toEmbed++;
    }
    // Nothing to wait for and nothing ahead of it: applied now, so the progress counts it while the body streams.
    if (!embed && this.#queue.length === 0) return this.#apply({ line, entry, embed }, entry);
    this.#queue.push({ line, entry, embed });
  }

  async #flush(): Promise<void> {
    const batch = this.#queue;
    this.#queue = [];
    this.#toEmbed = 0;
    const { embedder } = this.#engine;
    const exactOnly = (q: Queued): boolean => q.embed && embedder.fits?.(q.entry.prompt) === false;
    // A dry run does not embed: it costs the embedder's time, and the check is of the file.
    const vectors = this.progress.dryRun ? new Map<Queued, Float32Array>() : await this.#embed(batch.filter((q) => q.embed && !exactOnly(q)));
    for (const q of batch) {
      const { exactOnly: _wasExactOnly, ...rest } = q.entry;
      let entry: CacheEntry = q.entry;
      if (exactOnly(q)) {
        entry = { ...rest, vector: new Float32Array(Math.max(1, embedder.identity.dimensions)), exactOnly: true };
      } else if (q.embed && !this.progress.dryRun) {
        const vector = vectors.get(q);
        if (!(vector instanceof Float32Array)) {
          this.#fail(q.line, `its prompt could not be embedded: ${vector ?? 'no vector'}`);
          continue;
        }
        entry = { ...rest, vector };
      }
      this.#apply(q, entry);
    }
  }

  /** One call for the batch; where it fails, one call per prompt, so one bad prompt fails only its own line. */
  async #embed(items: Queued[]): Promise<Map<Queued, Float32Array | string>> {
    const out = new Map<Queued, Float32Array | string>();
    if (items.length === 0) return out;
    try {
      const vectors = await this.#engine.embedder.embed(items.map((q) => q.entry.prompt));
      items.forEach((q, i) => out.set(q, vectors[i]!));
    } catch {
      for (const q of items) {
        try {
          out.set(q, (await this.#engine.embedder.embed([q.entry.prompt]))[0]!);
        } catch (err) {
          out.set(q, (err as Error).message);
        }
      }
    }
    return out;
  }

  #apply(q: Queued, entry: CacheEntry): void {
    if (this.progress.dryRun) return this.#counted(q);
    const ns = this.#namespace();
    if (!ns) return this.#fail(q.line, `namespace '${this.#name}' was removed meanwhile and the namespace table is full`);
    try {
      // A new key: the exported one may be in use here. The epoch is the target's: the exporter's numbering
      // means nothing here, and an older one would never be served.
      this.#engine.add(ns, { ...entry, key: newKey(), namespace: ns.name, epoch: ns.epoch });
    } catch (err) {
      return this.#fail(q.line, `could not be added: ${(err as Error).message}`);
    }
    this.#counted(q);
  }

  #counted(q: Queued): void {
    this.progress.imported++;
    if (q.embed) this.progress.recomputed++;
  }

  #namespace(): Namespace | null {
    return this.#engine.namespaces.find(this.#name) ?? this.#engine.namespaces.resolve(this.#partition);
  }

  #partitionOf(name: string): Partition | null {
    try {
      return parsePartitionName(name);
    } catch {
      return null;
    }
  }

  #fail(line: number, reason: string): void {
    this.progress.failed++;
    if (this.progress.errors.length < MAX_LISTED_ERRORS) this.progress.errors.push({ line, reason });
  }
}
