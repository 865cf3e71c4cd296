import {
  InvalidRequestError, NotFoundError,
  type CacheAdmin, type EntryDetail, type EntryPage, type EntryQuery, type EntrySelector, type EpochResult, type EvictionResult,
  type LabelInput, type LookupEvent,
  type LookupFilter, type NamespaceInfo, type NamespaceSettings, type NamespaceSettingsPatch, type PairLabel,
  type ProbeResult,
} from '@semcache/shared';

/** Word-set overlap: enough to rank entries in route tests without an embedder. */
export function overlap(a: string, b: string): number {
  const wa = new Set(a.toLowerCase().split(/\W+/).filter(Boolean));
  const wb = new Set(b.toLowerCase().split(/\W+/).filter(Boolean));
  const shared = [...wa].filter((w) => wb.has(w)).length;
  return shared / Math.max(1, new Set([...wa, ...wb]).size);
}

const SETTINGS: NamespaceSettings = { threshold: 0.8, ttlSeconds: 3600, maxEntries: 100, enabled: true, guard: true, clientControls: 'read-only', maxTtlSeconds: 86400 };

/** A CacheAdmin over plain arrays, for the API's own route tests (the engine-backed ones live in apps/extproc). */
export class MemoryAdmin implements CacheAdmin {
  readonly settings = new Map<string, NamespaceSettings>();
  readonly entries: EntryDetail[] = [];
  /** Newest first, as the engine's log. */
  readonly lookups: LookupEvent[] = [];
  readonly labels: PairLabel[] = [];
  readonly epochs = new Map<string, number>();
  readonly #listeners = new Set<(e: LookupEvent) => void>();
  #nextId = 1;

  addNamespace(name: string, settings: Partial<NamespaceSettings> = {}): this {
    this.settings.set(name, { ...SETTINGS, ...settings });
    return this;
  }

  addEntry(namespace: string, prompt: string, createdAt = this.#nextId, meta: Partial<Pick<EntryDetail, 'tags' | 'modelRevision'>> = {}): EntryDetail {
    const entry: EntryDetail = {
      id: (this.#nextId++).toString(16).padStart(16, '0'), namespace, endpoint: 'chat', prompt, createdAt, lastHitAt: null,
      hitCount: 0, expiresAt: createdAt + 3_600_000, sizeBytes: 100, usage: null, response: `{"answer":"${prompt}"}`,
      contentType: 'application/json', fingerprint: 'f', tags: [], modelRevision: null, systemFingerprint: null,
      epoch: this.epochs.get(namespace) ?? 0, ...meta,
    };
    this.entries.push(entry);
    return entry;
  }

  record(event: LookupEvent): void {
    this.lookups.unshift(event);
    for (const l of this.#listeners) l(event);
  }

  listNamespaces(): NamespaceInfo[] {
    return [...this.settings.keys()].sort().map((n) => this.getNamespace(n));
  }

  getNamespace(name: string): NamespaceInfo {
    const settings = this.settings.get(name);
    if (!settings) throw new NotFoundError(`no namespace named '${name}'`);
    const entries = this.entries.filter((e) => e.namespace === name).length;
    return {
      name, model: name, tenant: null, route: null, settings: { ...settings }, createdAt: 0, epoch: this.epochs.get(name) ?? 0,
      embedder: { provider: 'test', model: 'overlap', version: '1', dimensions: 0 },
      stats: {
        entries, memoryBytes: entries * 100, exactHits: 0, semanticHits: 0, misses: 0, guarded: 0, verifiedMisses: 0, bypassed: 0, errors: 0,
        hitRate: 0, tokensSaved: 0, costSaved: 0, evictions: 0, expirations: 0,
      },
    };
  }

  updateSettings(name: string, patch: NamespaceSettingsPatch): NamespaceInfo {
    this.settings.set(name, { ...this.getNamespace(name).settings, ...patch });
    return this.getNamespace(name);
  }

  flushNamespace(name: string): number {
    return this.#remove(name, () => true);
  }

  deleteNamespace(name: string): number {
    const removed = this.flushNamespace(name);
    this.settings.delete(name);
    return removed;
  }

  listEntries(namespace: string, query: EntryQuery): EntryPage {
    const all = this.#matching(namespace, query.text).sort((a, b) => b.createdAt - a.createdAt);
    const offset = query.offset ?? 0;
    return { total: all.length, items: all.slice(offset, offset + (query.limit ?? 50)) };
  }

  getEntry(namespace: string, id: string): EntryDetail {
    this.getNamespace(namespace);
    const entry = this.entries.find((e) => e.namespace === namespace && e.id === id);
    if (!entry) throw new NotFoundError(`no entry '${id}' in namespace '${namespace}'`);
    return entry;
  }

  evictEntry(namespace: string, id: string): void {
    this.getEntry(namespace, id);
    this.#remove(namespace, (e) => e.id === id);
  }

  evictWhere(namespace: string, query: Pick<EntryQuery, 'text'>): number {
    const victims = new Set(this.#matching(namespace, query.text));
    return this.#remove(namespace, (e) => victims.has(e));
  }

  /** Age is measured against createdAt as a time in ms since 0; similarity by word overlap. */
  async evictSelected(namespace: string, selector: EntrySelector, opts: { dryRun: boolean; sample: number }): Promise<EvictionResult> {
    const now = Math.max(0, ...this.entries.map((e) => e.createdAt));
    const matching = this.#matching(namespace, selector.text).filter((e) =>
      (!selector.tags || e.tags.some((t) => selector.tags!.includes(t)))
      && (selector.olderThanSeconds === undefined || e.createdAt <= now - selector.olderThanSeconds * 1000)
      && (selector.modelRevision === undefined || e.modelRevision === selector.modelRevision)
      && (selector.endpoint === undefined || e.endpoint === selector.endpoint)
      && (!selector.similarTo || overlap(selector.similarTo.prompt, e.prompt) >= selector.similarTo.minSimilarity))
      .sort((a, b) => b.createdAt - a.createdAt);
    if (!opts.dryRun) {
      const victims = new Set(matching);
      this.#remove(namespace, (e) => victims.has(e));
    }
    return { namespace, dryRun: opts.dryRun, matched: matching.length, sample: matching.slice(0, opts.sample), evicted: opts.dryRun ? [] : matching.map((e) => e.id) };
  }

  bumpEpoch(namespace: string): EpochResult {
    const superseded = this.flushNamespace(namespace);
    const epoch = (this.epochs.get(namespace) ?? 0) + 1;
    this.epochs.set(namespace, epoch);
    return { namespace, epoch, superseded };
  }

  async probe(namespace: string, prompt: string, k: number): Promise<ProbeResult> {
    const { threshold } = this.getNamespace(namespace).settings;
    const candidates = this.entries
      .filter((e) => e.namespace === namespace)
      .map((entry) => ({ entry, similarity: overlap(prompt, entry.prompt), guardReason: null }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, k)
      .map((c) => ({ ...c, wouldHit: c.similarity >= threshold }));
    return { namespace, threshold, candidates };
  }

  recentLookups(filter: LookupFilter): LookupEvent[] {
    return this.lookups
      .filter((e) => (filter.namespace === undefined || e.namespace === filter.namespace) && (filter.outcome === undefined || e.outcome === filter.outcome))
      .slice(0, filter.limit ?? this.lookups.length);
  }

  onLookup(listener: (event: LookupEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  labelLookup(namespace: string, input: LabelInput): PairLabel {
    this.getNamespace(namespace);
    const e = this.lookups.find((l) => l.namespace === namespace && l.id === input.lookupId);
    if (!e) throw new NotFoundError(`no lookup '${input.lookupId}' in the log of '${namespace}'`);
    if (e.candidatePrompt === null || e.similarity === null) throw new InvalidRequestError('the lookup had no candidate', 'lookupId');
    const label: PairLabel = {
      lookupId: e.id, namespace, prompt: e.prompt, candidatePrompt: e.candidatePrompt, similarity: e.similarity,
      outcome: e.outcome, threshold: e.threshold, verdict: input.verdict, createdAt: 0, by: input.by,
    };
    const at = this.labels.findIndex((l) => l.lookupId === e.id);
    if (at >= 0) this.labels.splice(at, 1);
    this.labels.unshift(label);
    return label;
  }

  listLabels(namespace: string): PairLabel[] {
    this.getNamespace(namespace);
    return this.labels.filter((l) => l.namespace === namespace);
  }

  deleteLabel(namespace: string, lookupId: string): void {
    const at = this.labels.findIndex((l) => l.namespace === namespace && l.lookupId === lookupId);
    if (at < 0) throw new NotFoundError(`no label of lookup '${lookupId}'`);
    this.labels.splice(at, 1);
  }

  #matching(namespace: string, text: string | undefined): EntryDetail[] {
    this.getNamespace(namespace);
    const needle = text?.toLowerCase();
    return this.entries.filter((e) => e.namespace === namespace && (needle === undefined || e.prompt.toLowerCase().includes(needle)));
  }

  #remove(namespace: string, which: (e: EntryDetail) => boolean): number {
    this.getNamespace(namespace);
    let n = 0;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (e.namespace === namespace && which(e)) {
        this.entries.splice(i, 1);
        n++;
      }
    }
    return n;
  }
}
