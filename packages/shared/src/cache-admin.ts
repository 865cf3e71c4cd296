import type { EntrySelector, EpochResult, EvictionResult, ImportProgress, LabelVerdict, PairLabel } from './api.ts';
import type { EntryDetail, EntrySummary } from './entry.ts';
import type { LookupEvent, LookupOutcome } from './lookup.ts';
import type { NamespaceInfo, NamespaceSettingsPatch } from './namespace.ts';

export interface EntryQuery {
  /** Case-insensitive substring of the prompt. */
  text?: string;
  offset?: number;
  limit?: number;
}

export interface EntryPage {
  total: number;
  items: EntrySummary[];
}

export interface ProbeCandidate {
  entry: EntrySummary;
  similarity: number;
  /** Would a lookup with this prompt be answered by this entry at the namespace's current threshold. */
  wouldHit: boolean;
  /** Set when the false-hit guard would refuse this candidate. */
  guardReason: string | null;
}

export interface ProbeResult {
  namespace: string;
  threshold: number;
  candidates: ProbeCandidate[];
}

export interface LookupFilter {
  namespace?: string;
  outcome?: LookupOutcome;
  limit?: number;
}

/**
 * What the admin API may do to the cache. The engine implements it; the API depends only on this.
 * Methods that name a namespace or entry that does not exist throw `NotFoundError`.
 */
export interface CacheAdmin {
  listNamespaces(): NamespaceInfo[];
  getNamespace(name: string): NamespaceInfo;
  updateSettings(name: string, patch: NamespaceSettingsPatch): NamespaceInfo;
  flushNamespace(name: string): number;
  /** Removes the namespace's entries and the namespace itself (its slot, settings and counters); returns the entries removed. */
  deleteNamespace(name: string): number;
  listEntries(namespace: string, query: EntryQuery): EntryPage;
  getEntry(namespace: string, id: string): EntryDetail;
  evictEntry(namespace: string, id: string): void;
  evictWhere(namespace: string, query: Pick<EntryQuery, 'text'>): number;
  /** The entries the selector matches (of the current epoch), newest first; unless `dryRun`, evicts them. */
  evictSelected(namespace: string, selector: EntrySelector, opts: { dryRun: boolean; sample: number }): Promise<EvictionResult>;
  /** Starts a new epoch: nothing stored before is served again. O(1) for requests; old entries are reclaimed later. */
  bumpEpoch(namespace: string): EpochResult;
  probe(namespace: string, prompt: string, k: number): Promise<ProbeResult>;
  /** Newest first. */
  recentLookups(filter: LookupFilter): LookupEvent[];
  onLookup(listener: (event: LookupEvent) => void): () => void;
  /**
   * Labels the pair (prompt, best candidate) of a logged lookup; a new label of the same lookup replaces the
   * old one. Throws `NotFoundError` for a lookup no longer in the log, `InvalidRequestError` if it had no candidate.
   */
  labelLookup(namespace: string, label: LabelInput): PairLabel;
  /** Newest first. */
  listLabels(namespace: string): PairLabel[];
  deleteLabel(namespace: string, lookupId: string): void;
}

/**
 * Moving a namespace's entries out of and into a server (warm-up, migration). Kept apart from `CacheAdmin`: it
 * is the one part that streams.
 */
export interface CacheTransfer {
  /**
   * The namespace as JSON Lines, an `ExportHeader` first, then one entry per line, produced as the caller reads
   * them. Throws `NotFoundError` at once for an unknown namespace.
   */
  exportNamespace(name: string, opts: { vectors: boolean }): Iterable<string>;
  /**
   * Reads an export line by line into the namespace `name` (created when missing). Every line is validated in
   * full before its entry is added; a bad one is counted and reported with its number, never half applied.
   * Throws `InvalidRequestError` (nothing applied) when the header is missing or not one this server reads, or
   * names another tenant. An error from `lines` stops the import; what was applied before stays. With `dryRun`
   * every line is checked and counted, and nothing is applied.
   */
  importNamespace(name: string, lines: AsyncIterable<string>, by: string, opts?: { dryRun?: boolean }): Promise<ImportProgress>;
  /** Running imports, then recent finished ones, newest first. */
  listImports(namespace?: string): ImportProgress[];
}

export interface LabelInput {
  lookupId: string;
  verdict: LabelVerdict;
  /** Who labelled it (the token's name). */
  by: string;
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** A well-formed request the cache cannot carry out as asked; `field` names the input at fault. */
export class InvalidRequestError extends Error {
  override name = 'InvalidRequestError';
  readonly field: string | null;
  constructor(message: string, field: string | null = null) {
    super(message);
    this.field = field;
  }
}
