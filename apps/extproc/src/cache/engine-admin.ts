import {
  InvalidRequestError, NotFoundError,
  type CacheAdmin, type EntryDetail, type EntryPage, type EntryQuery, type EntrySelector, type EpochResult, type EvictionResult,
  type LabelInput, type LookupEvent, type LookupFilter, type NamespaceInfo, type NamespaceSettingsPatch, type PairLabel, type ProbeResult,
} from '@semcache/shared';
import type { CacheEngine } from './cache-engine.ts';
import { entryId, parseEntryId, toDetail, toSummary, type CacheEntry } from './entry.ts';
import { selectorMatcher } from './entry-selector.ts';
import type { Namespace } from './namespace.ts';
import { entryOnline, namespaceView } from '../online/online-view.ts';

const DEFAULT_PAGE = 50;
/**
 * Superseded entries removed per turn of the event loop after an epoch flush, so lookups keep their pace: at
 * ~30 µs per index removal, about 3 ms (bench/invalidation.ts).
 */
const RECLAIM_BATCH = 100;

/** The engine as the admin API sees it. Reads never count as traffic; every change is emitted. */
export class EngineAdmin implements CacheAdmin {
  readonly #engine: CacheEngine;

  constructor(engine: CacheEngine) {
    this.#engine = engine;
  }

  listNamespaces(): NamespaceInfo[] {
    return this.#engine.namespaces.all().map((ns) => namespaceView(this.#engine, ns)).sort((a, b) => a.name.localeCompare(b.name));
  }

  getNamespace(name: string): NamespaceInfo {
    return namespaceView(this.#engine, this.#engine.namespaces.get(name));
  }

  updateSettings(name: string, patch: NamespaceSettingsPatch): NamespaceInfo {
    const ns = this.#engine.namespaces.get(name);
    ns.updateSettings({ ...ns.settings, ...patch });
    this.#engine.emit({ type: 'settings', namespace: ns.name, settings: { ...ns.settings } });
    this.#engine.namespaces.enforceCapacity(ns);
    return namespaceView(this.#engine, ns);
  }

  flushNamespace(name: string): number {
    const ns = this.#engine.namespaces.get(name);
    const n = this.#engine.flush(ns);
    this.#engine.emit({ type: 'flush', namespace: ns.name });
    return n;
  }

  deleteNamespace(name: string): number {
    const n = this.flushNamespace(name);
    this.#engine.namespaces.delete(name);
    return n;
  }

  listEntries(namespace: string, query: EntryQuery): EntryPage {
    const matching = this.#matching(this.#engine.namespaces.get(namespace), query.text);
    matching.sort((a, b) => b.createdAt - a.createdAt);
    const offset = query.offset ?? 0;
    const limit = query.limit ?? DEFAULT_PAGE;
    return { total: matching.length, items: matching.slice(offset, offset + limit).map(toSummary) };
  }

  getEntry(namespace: string, id: string): EntryDetail {
    const ns = this.#engine.namespaces.get(namespace);
    const entry = this.#entry(ns, id);
    const online = entryOnline(this.#engine, ns, entry);
    return { ...toDetail(entry), ...(online ? { online } : {}) };
  }

  evictEntry(namespace: string, id: string): void {
    const ns = this.#engine.namespaces.get(namespace);
    const entry = this.#entry(ns, id);
    ns.counters.evictions++;
    this.#engine.remove(ns, entry.key, 'evicted');
  }

  evictWhere(namespace: string, query: Pick<EntryQuery, 'text'>): number {
    const ns = this.#engine.namespaces.get(namespace);
    const victims = this.#matching(ns, query.text);
    for (const entry of victims) {
      ns.counters.evictions++;
      this.#engine.remove(ns, entry.key, 'evicted');
    }
    return victims.length;
  }

  async evictSelected(namespace: string, selector: EntrySelector, opts: { dryRun: boolean; sample: number }): Promise<EvictionResult> {
    let ns = this.#engine.namespaces.get(namespace);
    const query = selector.similarTo ? await this.#embed(selector.similarTo.prompt) : null;
    // The namespace may have been deleted (and made again) while the prompt was embedded.
    ns = this.#engine.namespaces.get(ns.name);
    const matches = selectorMatcher(selector, this.#engine.now(), query);
    const matching = [...ns.entries()].filter((e) => ns.isCurrent(e) && matches(e)).sort((a, b) => b.createdAt - a.createdAt);
    if (!opts.dryRun) {
      for (const entry of matching) {
        ns.counters.evictions++;
        this.#engine.remove(ns, entry.key, 'evicted');
      }
    }
    return {
      namespace: ns.name, dryRun: opts.dryRun, matched: matching.length, sample: matching.slice(0, opts.sample).map(toSummary),
      evicted: opts.dryRun ? [] : matching.map((e) => entryId(e.key)),
    };
  }

  bumpEpoch(namespace: string): EpochResult {
    const ns = this.#engine.namespaces.get(namespace);
    const superseded = this.#engine.bumpEpoch(ns);
    const reclaim = (): void => {
      if (this.#engine.namespaces.find(ns.name) === ns && this.#engine.reclaimSuperseded(ns, RECLAIM_BATCH) > 0) setImmediate(reclaim);
    };
    setImmediate(reclaim);
    return { namespace: ns.name, epoch: ns.epoch, superseded };
  }

  async probe(namespace: string, prompt: string, k: number): Promise<ProbeResult> {
    const ns = this.#engine.namespaces.get(namespace);
    const vector = await this.#embed(prompt);
    const now = this.#engine.now();
    const { threshold } = ns.settings;
    const candidates = ns
      .search(vector, k)
      .map((n) => ({ entry: ns.get(n.key), similarity: n.similarity }))
      .filter((c): c is { entry: CacheEntry; similarity: number } => c.entry !== undefined && ns.isCurrent(c.entry) && c.entry.expiresAt > now)
      .map(({ entry, similarity }) => {
        const guardReason = this.#engine.guardReason(ns, prompt, entry.prompt);
        return { entry: toSummary(entry), similarity, guardReason, wouldHit: similarity >= threshold && guardReason === null };
      });
    return { namespace: ns.name, threshold, candidates };
  }

  recentLookups(filter: LookupFilter): LookupEvent[] {
    return this.#engine.log.recent(filter);
  }

  onLookup(listener: (event: LookupEvent) => void): () => void {
    return this.#engine.log.subscribe(listener);
  }

  labelLookup(namespace: string, input: LabelInput): PairLabel {
    const ns = this.#engine.namespaces.get(namespace);
    const event = this.#engine.log.recent({ namespace: ns.name }).find((e) => e.id === input.lookupId);
    if (!event) throw new NotFoundError(`no lookup '${input.lookupId}' in the recent log of namespace '${ns.name}'`);
    if (event.candidatePrompt === null || event.similarity === null) {
      throw new InvalidRequestError(`lookup '${event.id}' had no candidate to compare with`, 'lookupId');
    }
    const label: PairLabel = {
      lookupId: event.id, namespace: ns.name, prompt: event.prompt, candidatePrompt: event.candidatePrompt,
      similarity: event.similarity, outcome: event.outcome, threshold: event.threshold, verdict: input.verdict,
      createdAt: this.#engine.now(), by: input.by,
    };
    const dropped = this.#engine.labels.put(label);
    this.#engine.emit({ type: 'label', label });
    if (dropped !== null) this.#engine.emit({ type: 'unlabel', namespace: ns.name, lookupId: dropped });
    return label;
  }

  listLabels(namespace: string): PairLabel[] {
    return this.#engine.labels.list(this.#engine.namespaces.get(namespace).name);
  }

  deleteLabel(namespace: string, lookupId: string): void {
    const ns = this.#engine.namespaces.get(namespace);
    if (!this.#engine.labels.delete(ns.name, lookupId)) throw new NotFoundError(`no label of lookup '${lookupId}' in namespace '${ns.name}'`);
    this.#engine.emit({ type: 'unlabel', namespace: ns.name, lookupId });
  }

  #entry(ns: Namespace, id: string): CacheEntry {
    const key = parseEntryId(id);
    const entry = key === null ? undefined : ns.get(key);
    if (!entry || !ns.isCurrent(entry)) throw new NotFoundError(`no entry '${id}' in namespace '${ns.name}'`);
    return entry;
  }

  async #embed(prompt: string): Promise<Float32Array> {
    const [vector] = (await this.#engine.embedder.embed([prompt])) as [Float32Array];
    return vector;
  }

  #matching(ns: Namespace, text: string | undefined): CacheEntry[] {
    const needle = text?.toLowerCase();
    const out: CacheEntry[] = [];
    for (const entry of ns.entries()) {
      if (ns.isCurrent(entry) && (needle === undefined || entry.prompt.toLowerCase().includes(needle))) out.push(entry);
    }
    return out;
  }
}
