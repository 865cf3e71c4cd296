import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Config, EndpointKind, LookupEvent, LookupOutcome, NamespaceSettings, Usage } from '@semcache/shared';
import type { Embedder } from '../embedders/embedder.ts';
import type { Verifier } from '../verifier/verifier.ts';
import { runVerifier, type Verdict } from './verify-candidate.ts';
import { answerCost } from './answer-cost.ts';
import type { CacheChange, ChangeListener } from './changes.ts';
import type { CacheMode } from './client-controls.ts';
import { entryId, type CacheEntry } from './entry.ts';
import { effectiveFreshness, NO_FRESHNESS, youngEnough, type FreshnessRequest } from './freshness.ts';
import { LabelStore } from './label-store.ts';
import { LookupLog } from './lookup-log.ts';
import type { Namespace, RemovalReason } from './namespace.ts';
import { NamespaceRegistry } from './namespace-registry.ts';
import { exactMatchKey, type ExactKey } from './normalize.ts';
import { packText } from './packed-text.ts';
import { parsePartitionName, partitionName, type Partition } from './partition.ts';
import { precisionFor, servesAs, type IndexPrecision, type IndexPrecisionSetting } from './vector-index.ts';
import { asFloat32 } from './vector-slab.ts';
import { inChildSpan } from '../tracing/spans.ts';
import { mergeObservations, newObservations, OnlinePolicy, onlineFloor } from '../online/online-policy.ts';
import { checkAnswer, type OnlineCheck } from '../online/check-answer.ts';

export type { CacheMode } from './client-controls.ts';

export interface LookupRequest {
  partition: Partition;
  endpoint: EndpointKind;
  /** The text that is embedded and compared: the prompt, or the last user message of a chat. */
  prompt: string;
  /** Hash of everything else that changes the answer; must match exactly. */
  fingerprint: string;
  mode: CacheMode;
  /** The request's cache-control directives and asked lifetime; none when absent. */
  freshness?: FreshnessRequest;
  /** The exact tier only: the prompt is never embedded, and the answer never indexed. */
  exactOnly?: true;
  /** temperature 0: online verification compares the answers' texts, not their meanings. */
  deterministic?: boolean;
  /** From the tags header, already validated; stored with the answer unless the namespace's clientControls is off. */
  tags?: readonly string[];
}

/** What is needed to store the answer of a miss without embedding the prompt twice. */
export type PendingStore = Pick<CacheEntry, 'namespace' | 'endpoint' | 'prompt' | 'fingerprint' | 'vector' | 'exactOnly'> & {
  /** Stored with the entry; none when absent. */
  tags?: string[];
  /** The namespace's epoch at the lookup: an answer asked for before an epoch flush is not stored after it. */
  epoch?: number;
  /** The namespace's serial at the lookup: an answer asked for before it was deleted is not stored in its successor. */
  namespaceSerial?: number;
  /** Lifetime of the entry; the namespace's TTL when absent. */
  ttlSeconds?: number;
};

export type LookupResult =
  | { kind: 'hit'; outcome: 'exact' | 'semantic'; entry: CacheEntry; similarity: number; event: LookupEvent }
  | { kind: 'miss'; outcome: LookupOutcome; pending: PendingStore | null; event: LookupEvent; onlyIfCached: boolean; check?: OnlineCheck };

export interface StoredAnswer {
  response: string;
  contentType: string;
  usage: Usage | null;
  /** Which revision of the model answered, as the upstream says (OpenAI: `model`, `system_fingerprint`). */
  modelRevision?: string | null;
  systemFingerprint?: string | null;
}

/** Returns null when the candidate may answer the query, else the reason it must not. */
export type FalseHitGuard = (query: string, candidate: string) => string | null;

export interface CacheEngineOptions {
  config: Pick<Config, 'defaults' | 'models' | 'maxEntriesTotal' | 'maxNamespaces' | 'lookupLog' | 'memory' | 'namespaceIdleSeconds' | 'allowedModels'>
    & Partial<Pick<Config, 'pricing'>>;
  embedder: Embedder;
  guard?: FalseHitGuard;
  /** Judges candidates that passed the threshold and the guard, where a namespace has it on. */
  verifier?: Verifier;
  /** Online verification's decisions (a seeded one makes them reproducible). */
  online?: OnlinePolicy;
  now?: () => number;
  /** How each namespace's index stores vectors (config `index.precision`; `auto` unless given). */
  indexPrecision?: IndexPrecisionSetting;
}

/** Candidates fetched per search; widened when other conversations' entries crowd out this one's. */
const SEARCH_K = [8, 64, 256] as const;
/** The best candidate, and the next one where the verifier refuses it: a third rarely helps and costs a verdict. */
const MAX_VERIFIED = 2;
/** Used where neither the configuration nor the verifier's tuning sets one. */
const FALLBACK_VERIFIER_THRESHOLD = 0.5;

interface Candidate {
  entry: CacheEntry;
  similarity: number;
}

/**
 * The cache: exact tier first, then the semantic tier, per namespace. Plain TypeScript with no knowledge of
 * gRPC or HTTP. Every internal failure becomes a miss with outcome 'error': the request always goes on.
 */
export class CacheEngine {
  readonly embedder: Embedder;
  readonly namespaces: NamespaceRegistry;
  readonly log: LookupLog;
  /** Operators' verdicts on lookup pairs; kept here so that `apply` restores and replicates them with the rest. */
  readonly labels = new LabelStore();
  readonly online: OnlinePolicy;
  readonly now: () => number;
  readonly #indexPrecision: IndexPrecisionSetting;
  readonly #guard: FalseHitGuard | undefined;
  readonly #verifier: Verifier | undefined;
  readonly #verifierTimeoutMs: number;
  readonly #prices: Config['pricing'];
  readonly #changeListeners = new Set<ChangeListener>();
  readonly #modelAllowed: (model: string) => boolean;
  #eventSeq = 0;
  /** Replicas share labels keyed by lookup id: a random prefix per process keeps their ids apart. */
  readonly #eventIdPrefix = randomBytes(3).toString('hex');
  /** When each request's lookup began, for the event's lookupMicros without threading it through every path. */
  readonly #lookupStarted = new WeakMap<LookupRequest, number>();
  /** Requests whose cache-control forbids calling the model, for their miss result, by the same means. */
  readonly #onlyIfCached = new WeakSet<LookupRequest>();

  constructor(opts: CacheEngineOptions) {
    this.embedder = opts.embedder;
    this.now = opts.now ?? Date.now;
    this.#guard = opts.guard;
    this.online = opts.online ?? new OnlinePolicy();
    this.#prices = opts.config.pricing ?? {};
    this.#modelAllowed = modelMatcher(opts.config.allowedModels);
    this.log = new LookupLog(opts.config.lookupLog.capacity, opts.config.lookupLog.maxBytes);
    this.#verifier = opts.verifier;
    this.#indexPrecision = opts.indexPrecision ?? 'auto';
    this.#verifierTimeoutMs = opts.config.defaults.verifierTimeoutMs;
    const tuned = opts.verifier?.tuned ?? undefined;
    this.namespaces = new NamespaceRegistry({
      config: opts.config,
      embedder: () => opts.embedder.identity,
      defaultThreshold: opts.embedder.defaultThreshold,
      defaultVerifierThreshold: tuned?.verifierThreshold ?? FALLBACK_VERIFIER_THRESHOLD,
      ...(tuned ? { defaultVerifierCandidateThreshold: tuned.candidateThreshold } : {}),
      now: this.now,
      indexPrecision: (dimensions) => precisionFor(this.#indexPrecision, dimensions),
      onRemove: (ns, entry, reason) => this.#emit({ type: 'remove', namespace: ns.name, key: entry.key, reason }),
      onDelete: (name) => this.online.forget(name),
    });
  }

  async lookup(req: LookupRequest): Promise<LookupResult> {
    this.#lookupStarted.set(req, performance.now());
    const name = partitionName(req.partition);
    if (!this.#modelAllowed(req.partition.model)) return this.#miss(name, req, 'bypass', 'model-not-allowed', 0.0);
    const ns = this.namespaces.resolve(req.partition);
    if (!ns) return this.#miss(name, req, 'bypass', 'namespace-limit', 0.0);
    const verifier = this.verifierOf(ns);
    const threshold = candidateThreshold(ns.settings, verifier !== null);
    const fresh = effectiveFreshness(req.mode, req.freshness ?? NO_FRESHNESS, ns.settings);
    const { mode } = fresh;
    if (fresh.onlyIfCached) this.#onlyIfCached.add(req);
    if (mode === 'bypass' || !ns.settings.enabled) {
      ns.counters.bypassed++;
      return this.#miss(name, req, 'bypass', mode === 'bypass' ? 'requested' : 'disabled', threshold);
    }
    this.online.lookedUp(ns.name, ns.settings);
    const exactKey = exactMatchKey(req.fingerprint, req.prompt);
    const now = this.now();
    let refusedStale = false;
    if (mode !== 'refresh') {
      const exact = ns.getExact(exactKey);
      // An alias of a paraphrase stops serving once the operator raises the threshold above its similarity, and one
      // served while no verifier judged it goes back to the verifier once one is on.
      if (exact && ns.isCurrent(exact.entry) && exact.entry.expiresAt > now && exact.similarity >= threshold && (exact.verified || verifier === null)) {
        if (youngEnough(exact.entry.createdAt, now, fresh)) {
          return this.#hit(ns, req, 'exact', exact.entry, exact.similarity, threshold, { embedMicros: 0, searchMicros: 0 });
        }
        refusedStale = true;
      }
    }

    const storable = !(mode === 'no-store' || (refusedStale && !fresh.mayReplace));
    const pendingOf = (vector: Float32Array, exactOnly: boolean): PendingStore | null => !storable ? null : {
      namespace: name, endpoint: req.endpoint, prompt: req.prompt, fingerprint: req.fingerprint, vector,
      ttlSeconds: fresh.ttlSeconds, ...(exactOnly ? { exactOnly: true } : {}),
      // Tags only label what this request stores, but with clientControls off no client header is trusted at all.
      tags: ns.settings.clientControls === 'off' ? [] : [...(req.tags ?? [])],
      epoch: ns.epoch,
      namespaceSerial: ns.serial,
    };
    const exactOnlyReason = req.exactOnly ? 'exact-only' : this.embedder.fits?.(req.prompt) === false ? 'too-long' : null;
    if (exactOnlyReason !== null) {
      ns.counters.misses++;
      const placeholder = new Float32Array(Math.max(1, this.embedder.identity.dimensions));
      return this.#miss(name, req, 'miss', exactOnlyReason, threshold, {}, pendingOf(placeholder, true));
    }
    const t0 = performance.now();
    let vector: Float32Array;
    try {
      [vector] = (await this.embedder.embed([req.prompt])) as [Float32Array];
    } catch (err) {
      ns.counters.errors++;
      return this.#miss(name, req, 'error', errorReason(err), threshold, { embedMicros: micros(t0) });
    }
    const embedMicros = micros(t0);
    const pending = pendingOf(vector, false);
    if (mode === 'refresh') {
      ns.counters.misses++;
      return this.#miss(name, req, 'miss', 'refresh', threshold, { embedMicros }, pending);
    }

    const t1 = performance.now();
    const candidates = inChildSpan('semcache.search', () => this.#candidates(ns, vector, req.fingerprint, now));
    const searchMicros = micros(t1);
    const timings = { embedMicros, searchMicros };
    // Only a request that would go to the model and be stored may be explored (only-if-cached would get a 504).
    const explorable = pending !== null && !fresh.onlyIfCached ? pending : null;
    const hitOf = (c: Candidate, verdict: Verdict | null): LookupResult =>
      this.#semanticHit(ns, req, exactKey, c, threshold, timings, verdict, explorable);
    // Online verification may serve an entry below the threshold once the entry has shown it can.
    const floor = explorable ? onlineFloor(ns.settings, threshold, this.online.params) : threshold;
    let guardReason: string | null = null;
    let refusal: Verdict | null = null;
    let verified = 0;
    for (const c of candidates) {
      if (c.similarity < floor) break;
      if (!youngEnough(c.entry.createdAt, now, fresh)) continue;
      const reason = this.guardReason(ns, req.prompt, c.entry.prompt);
      if (reason !== null) {
        guardReason ??= reason;
        continue;
      }
      if (verifier === null) return hitOf(c, null);
      if (verified++ >= MAX_VERIFIED) break;
      const verdict = await runVerifier(verifier,
        { query: req.prompt, candidate: c.entry.prompt, similarity: c.similarity, queryVector: vector, candidateVector: asFloat32(c.entry.vector) },
        ns.settings.verifierThreshold ?? FALLBACK_VERIFIER_THRESHOLD, this.#verifierTimeoutMs);
      if (verdict.accept) return hitOf(c, verdict);
      refusal ??= verdict;
    }
    const best = candidates[0] ?? null;
    if (refusal !== null) {
      ns.counters.verifiedMisses++;
      return this.#miss(name, req, 'verified-miss', refusal.reason, threshold, timings, pending, best, refusal);
    }
    const outcome = guardReason === null ? 'miss' : 'guarded';
    if (outcome === 'guarded') ns.counters.guarded++;
    else ns.counters.misses++;
    return this.#miss(name, req, outcome, guardReason, threshold, timings, pending, best);
  }

  /** Whether a saved index at this precision may be adopted (see `servesAs`). */
  servesSavedIndex(dimensions: number, saved: IndexPrecision): boolean {
    return servesAs(this.#indexPrecision, dimensions, saved);
  }

  /** The verifier that judges this namespace's candidates, or null when it has none or has it off. */
  verifierOf(ns: Namespace): Verifier | null {
    return this.#verifier && (ns.settings.verifier ?? true) ? this.#verifier : null;
  }

  /**
   * A candidate that passed the guard and the verifier: online verification may send it to the model instead,
   * where `explorable` (the request's store) allows.
   */
  #semanticHit(
    ns: Namespace, req: LookupRequest, exactKey: ExactKey, c: Candidate, threshold: number,
    timings: { embedMicros: number; searchMicros: number }, verdict: Verdict | null, explorable: PendingStore | null,
  ): LookupResult {
    const decision = this.online.decide(ns.name, ns.settings, threshold, { observations: c.entry.observations ?? [], similarity: c.similarity }, explorable !== null);
    if (decision.action === 'explore' && explorable) {
      ns.counters.misses++;
      const check: OnlineCheck = {
        namespace: ns.name, key: c.entry.key, similarity: c.similarity, deterministic: req.deterministic === true,
      };
      const reason = decision.costsHit ? 'explore' : 'below-threshold';
      return this.#miss(ns.name, req, 'verify', reason, threshold, timings, explorable, c, verdict, check);
    }
    if (decision.action === 'explore' || decision.action === 'refuse') {
      ns.counters.misses++;
      return this.#miss(ns.name, req, 'miss', 'online-refused', threshold, timings, null, c, verdict);
    }
    ns.addAlias(exactKey, c.entry, c.similarity, verdict?.accept === true);
    return this.#hit(ns, req, 'semantic', c.entry, c.similarity, threshold, timings, verdict);
  }

  /**
   * Stores the answer of a miss; returns the new entry, or null when the namespace is gone or disabled, or was
   * flushed by an epoch since the lookup (the model may have answered as it did before the flush), or deleted
   * since (and perhaps made again).
   */
  store(pending: PendingStore, answer: StoredAnswer): CacheEntry | null {
    const ns = this.namespaces.find(pending.namespace);
    if (!ns || !ns.settings.enabled) return null;
    if ((pending.epoch !== undefined && pending.epoch !== ns.epoch) || (pending.namespaceSerial !== undefined && pending.namespaceSerial !== ns.serial)) return null;
    const now = this.now();
    // Every field, in the order decodeEntry gives them: one hidden class, with all of them in the object.
    const entry: CacheEntry = {
      key: newKey(),
      namespace: ns.name,
      endpoint: pending.endpoint,
      prompt: pending.prompt,
      fingerprint: pending.fingerprint,
      vector: pending.vector,
      exactOnly: pending.exactOnly,
      response: packText(answer.response),
      contentType: answer.contentType,
      usage: answer.usage,
      tags: pending.tags ?? [],
      modelRevision: answer.modelRevision ?? null,
      systemFingerprint: answer.systemFingerprint ?? null,
      epoch: ns.epoch,
      createdAt: now,
      lastHitAt: null,
      hitCount: 0,
      expiresAt: now + (pending.ttlSeconds ?? ns.settings.ttlSeconds) * 1000,
      observations: undefined,
    };
    this.#add(ns, entry);
    return entry;
  }

  /** Adds an entry built elsewhere (an import) as a stored answer is added: its changes emitted, capacity enforced. */
  add(ns: Namespace, entry: CacheEntry): void {
    this.#add(ns, entry);
  }

  /**
   * Compares the model's answer to an explored request with its candidate's and records the finding on the
   * candidate; a different answer is stored as an entry of its own, so the prompt gets it from now on.
   */
  async check(check: OnlineCheck, pending: PendingStore, answer: StoredAnswer): Promise<boolean | null> {
    return checkAnswer(this, check, pending, answer);
  }

  /** Why the false-hit guard refuses this pair in this namespace, or null. */
  guardReason(ns: Namespace, query: string, candidate: string): string | null {
    return ns.settings.guard && this.#guard ? this.#guard(query, candidate) : null;
  }

  /**
   * Starts a new epoch of the namespace: from the next lookup on, nothing stored before is served. Returns
   * how many entries that supersedes; they stay in memory until `reclaimSuperseded` or the sweep removes them.
   */
  bumpEpoch(ns: Namespace): number {
    const superseded = ns.currentSize;
    ns.advanceEpoch(ns.epoch + 1);
    this.online.relearn(ns.name);
    this.#emit({ type: 'epoch', namespace: ns.name, epoch: ns.epoch });
    return superseded;
  }

  /**
   * Removes up to `limit` entries of earlier epochs, one by one (each usearch removal costs tens of µs, so a
   * caller on the request path's thread keeps `limit` small); when none of the namespace is current, all at
   * once as a plain flush does. Returns how many it removed: 0 when none are left.
   */
  reclaimSuperseded(ns: Namespace, limit: number): number {
    // Not emitted one by one: stores drop superseded entries at load, and Redis lost them with the epoch flush.
    if (ns.currentSize === 0) return ns.clear();
    const old: CacheEntry[] = [];
    for (const entry of ns.entries()) {
      if (old.length >= limit) break;
      if (!ns.isCurrent(entry)) old.push(entry);
    }
    for (const entry of old) this.remove(ns, entry.key, 'superseded');
    return old.length;
  }

  /** Expired and superseded entries, then the namespaces left empty and idle. */
  sweepExpired(): number {
    const removed = this.namespaces.sweepExpired();
    this.namespaces.reclaimIdle();
    return removed;
  }

  onChange(listener: ChangeListener): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /** Removes an entry for the given reason and tells the change listeners. */
  remove(ns: Namespace, key: bigint, reason: RemovalReason): boolean {
    const removed = ns.remove(key);
    if (removed) this.#emit({ type: 'remove', namespace: ns.name, key, reason });
    return removed !== undefined;
  }

  emit(change: CacheChange): void {
    this.#emit(change);
  }

  /**
   * Applies a change that happened elsewhere (the change log at start-up, another replica) without emitting
   * it again. Entry counts are not enforced here: the origin of the change did that and emitted its
   * evictions. The byte budget is, as it is this process's memory: its evictions are emitted (`memory`).
   */
  apply(change: CacheChange): void {
    if (change.type === 'add') {
      const ns = this.#namespaceOf(change.entry.namespace);
      // Stored before a flush it had not heard of: never served, so not kept. A later epoch means one missed here.
      if (change.entry.epoch < ns.epoch) return;
      if (ns.advanceEpoch(change.entry.epoch)) this.flush(ns);
      const found = ns.getExact(exactMatchKey(change.entry.fingerprint, change.entry.prompt));
      // Two replicas may check the same entry at once: each keeps what the other found.
      const known = ns.get(change.entry.key)?.observations;
      this.online.learnFrom(ns.name, newObservations(known, change.entry.observations));
      const entry = known ? { ...change.entry, observations: mergeObservations(known, change.entry.observations) } : change.entry;
      if (found?.alias) {
        // Only a local alias of another entry: the origin kept that entry, so this replica keeps it too.
        ns.remove(found.entry.key);
        ns.add(entry);
        ns.add(found.entry);
      } else {
        ns.add(entry);
      }
      this.namespaces.enforceMemory(ns);
    } else if (change.type === 'remove') {
      this.namespaces.find(change.namespace)?.remove(change.key);
    } else if (change.type === 'flush') {
      const ns = this.namespaces.find(change.namespace);
      if (ns) this.flush(ns);
    } else if (change.type === 'epoch') {
      const ns = this.#namespaceOf(change.namespace);
      // Off the request path, and nothing is current right after a raise: the old entries go at once.
      if (ns.advanceEpoch(change.epoch)) this.flush(ns);
    } else if (change.type === 'label') {
      // The namespace too, or its labels could not be listed on a replica that has not served it yet.
      this.#namespaceOf(change.label.namespace);
      this.labels.put(change.label);
    } else if (change.type === 'unlabel') {
      this.labels.delete(change.namespace, change.lookupId);
    } else {
      const ns = this.namespaces.find(change.namespace);
      if (!ns) {
        this.namespaces.create(change.namespace, parsePartitionName(change.namespace), { ...change.settings });
        return;
      }
      ns.updateSettings(change.settings);
    }
  }

  /** Empties the namespace; returns how many entries went. Its online findings were on them, so they go too. */
  flush(ns: Namespace): number {
    const n = ns.clear();
    this.online.relearn(ns.name);
    return n;
  }

  #namespaceOf(name: string): Namespace {
    const partition = parsePartitionName(name);
    return this.namespaces.find(name) ?? this.namespaces.create(name, partition, this.namespaces.settingsFor(partition.model));
  }

  /** Nearest entries with the same context, best first, skipping expired ones (removed on the way). */
  #candidates(ns: Namespace, vector: Float32Array, fingerprint: string, now: number): Candidate[] {
    for (const k of SEARCH_K) {
      const found: Candidate[] = [];
      const neighbours = ns.search(vector, k);
      for (const n of neighbours) {
        const entry = ns.get(n.key);
        if (!entry || entry.fingerprint !== fingerprint) continue;
        // Only skipped: removing from the index costs tens of µs each, the background reclaim's work, not a request's.
        if (!ns.isCurrent(entry)) continue;
        if (entry.expiresAt <= now) {
          ns.counters.expirations++;
          this.remove(ns, entry.key, 'expired');
          continue;
        }
        found.push({ entry, similarity: n.similarity });
      }
      if (found.length > 0 || neighbours.length < k) return found;
    }
    return [];
  }

  #add(ns: Namespace, entry: CacheEntry): void {
    const replaced = ns.add(entry);
    if (replaced !== null) this.#emit({ type: 'remove', namespace: ns.name, key: replaced, reason: 'replaced' });
    this.#emit({ type: 'add', entry });
    this.namespaces.enforceCapacity(ns);
  }

  #emit(change: CacheChange): void {
    for (const listener of this.#changeListeners) listener(change);
  }

  #hit(
    ns: Namespace, req: LookupRequest, outcome: 'exact' | 'semantic', entry: CacheEntry, similarity: number, threshold: number,
    timings: { embedMicros: number; searchMicros: number }, verdict: Verdict | null = null,
  ): LookupResult {
    ns.touch(entry, this.now());
    if (outcome === 'exact') ns.counters.exactHits++;
    else ns.counters.semanticHits++;
    ns.counters.tokensSaved += entry.usage?.totalTokens ?? 0;
    const costSaved = answerCost(this.#prices, ns.partition.model, entry.usage);
    ns.counters.costSaved += costSaved;
    const event = this.#record(ns.name, req, outcome, null, threshold, timings, { entry, similarity }, verdict, costSaved);
    return { kind: 'hit', outcome, entry, similarity, event };
  }

  #miss(
    name: string, req: LookupRequest, outcome: LookupOutcome, reason: string | null, threshold: number,
    timings: Partial<{ embedMicros: number; searchMicros: number }> = {},
    pending: PendingStore | null = null, best: Candidate | null = null, verdict: Verdict | null = null, check?: OnlineCheck,
  ): LookupResult {
    const event = this.#record(name, req, outcome, reason, threshold, timings, best, verdict);
    return { kind: 'miss', outcome, pending, event, onlyIfCached: this.#onlyIfCached.has(req), ...(check ? { check } : {}) };
  }

  #record(
    namespace: string, req: LookupRequest, outcome: LookupOutcome, reason: string | null, threshold: number,
    timings: Partial<{ embedMicros: number; searchMicros: number }>, best: Candidate | null, verdict: Verdict | null = null, costSaved = 0,
  ): LookupEvent {
    const event: LookupEvent = {
      id: `${this.#eventIdPrefix}-${this.now().toString(36)}-${(this.#eventSeq++).toString(36)}`,
      time: this.now(),
      namespace,
      prompt: req.prompt,
      candidateId: best ? entryId(best.entry.key) : null,
      candidatePrompt: best ? best.entry.prompt : null,
      similarity: best ? best.similarity : null,
      threshold,
      outcome,
      reason,
      embedMicros: Math.round(timings.embedMicros ?? 0),
      searchMicros: Math.round(timings.searchMicros ?? 0),
      lookupMicros: Math.round(micros(this.#lookupStarted.get(req) ?? performance.now())),
      tokensSaved: (outcome === 'exact' || outcome === 'semantic') ? (best?.entry.usage?.totalTokens ?? 0) : 0,
      ...(verdict ? { verifier: verdict.verifier, verifierScore: verdict.score, ...(verdict.fallback ? { verifierFallback: verdict.fallback } : {}) } : {}),
      costSaved,
    };
    this.log.record(event);
    return event;
  }
}

/** Exact names, or a prefix before a trailing '*'; no list at all allows every model. */
function modelMatcher(allowed: readonly string[]): (model: string) => boolean {
  if (allowed.length === 0) return () => true;
  const exact = new Set(allowed.filter((m) => !m.endsWith('*')));
  const prefixes = allowed.filter((m) => m.endsWith('*')).map((m) => m.slice(0, -1));
  return (model) => exact.has(model) || prefixes.some((p) => model.startsWith(p));
}

const micros = (since: number): number => (performance.now() - since) * 1000;

/** Random 63-bit keys: unique across replicas that share one cache, without coordination. */
export function newKey(): bigint {
  return randomBytes(8).readBigUInt64BE() >> 1n;
}

function errorReason(err: unknown): string {
  if (err && typeof err === 'object' && 'kind' in err && typeof err.kind === 'string') return `embedder-${err.kind}`;
  return 'embedder-failed';
}

/**
 * The similarity a candidate needs: with the verifier judging, its own lower candidate threshold (the verifier
 * refuses the rest); without it, the stand-alone threshold, so switching the verifier off is never unsafe.
 */
export function candidateThreshold(settings: NamespaceSettings, verifierOn: boolean): number {
  return verifierOn ? settings.verifierCandidateThreshold ?? settings.threshold : settings.threshold;
}
