import type { LookupEvent } from '@semcache/shared';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CacheEngine } from '../cache/cache-engine.ts';
import type { WaitOutcome } from '../cache/burst-lookup.ts';
import type { CacheChange } from '../cache/changes.ts';
import { childrenOf } from './label-children.ts';
import { NamespaceLabels } from './namespace-labels.ts';
import { tenantLabeller, type TenantLabels } from './tenant-label.ts';

export interface CacheMetricsOptions {
  engine: CacheEngine;
  /** Namespaces with their own label; the rest are counted under `other`. */
  maxNamespaces: number;
  /** How tenant values appear in the namespace label (default: a hash). */
  tenantLabels?: TenantLabels;
  tenantHashKey?: string | undefined;
}

export interface CacheMetrics {
  /** Its own registry, not prom-client's global one, so that one process can run several servers. */
  readonly registry: Registry;
  observeStreamEnd(seconds: number): void;
  storeSkipped(reason: string): void;
  uncacheable(reason: string): void;
  /** A tags header ignored as malformed. */
  badTags(reason: string): void;
  processorFailed(reason: string): void;
  /** A request waited for an identical one's model call. */
  burstWaited(outcome: WaitOutcome): void;
  close(): void;
}

const FAST_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** A stream lasts as long as its request, model time included on a miss. */
const STREAM_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const EMBEDDER_ERROR_KINDS = new Set(['timeout', 'unavailable', 'bad-response', 'degenerate']);
const HIT = new Set(['exact', 'semantic']);
/** The cache was asked and the model answered: bypasses are not misses. */
const MISS = new Set(['miss', 'guarded', 'verified-miss', 'verify', 'error']);

/**
 * The Prometheus view of the cache. Counters follow the engine's lookup events and changes as they happen;
 * per-namespace size is read from the engine at scrape time. Labels never carry prompts.
 */
export function createCacheMetrics(opts: CacheMetricsOptions): CacheMetrics {
  const { engine } = opts;
  const registry = new Registry();
  const registers = [registry];
  const labels = new NamespaceLabels(opts.maxNamespaces, tenantLabeller(opts.tenantLabels ?? 'hash', opts.tenantHashKey));
  collectDefaultMetrics({ register: registry });

  const lookups = new Counter({
    name: 'semcache_lookups_total', help: 'Cache lookups by namespace and outcome (exact, semantic, miss, guarded, verified-miss, bypass, error).',
    labelNames: ['namespace', 'outcome'], registers,
  });
  const hits = new Counter({ name: 'semcache_hits_total', help: 'Lookups answered from the cache (exact or semantic).', labelNames: ['namespace'], registers });
  const misses = new Counter({
    name: 'semcache_misses_total', help: 'Lookups that went on to the model: miss, guarded, verified-miss or error (bypasses excluded).',
    labelNames: ['namespace'], registers,
  });
  const tokensSaved = new Counter({
    name: 'semcache_tokens_saved_total', help: "Tokens the model did not spend: the cached answer's usage.total_tokens, per hit.",
    labelNames: ['namespace'], registers,
  });
  const costSaved = new Counter({
    name: 'semcache_cost_saved_total', help: "What the cached answers' prompt and completion tokens cost at the configured per-model prices (pricing), per hit.",
    labelNames: ['namespace'], registers,
  });
  const lookupSeconds = new Histogram({
    name: 'semcache_lookup_duration_seconds', help: 'Whole cache lookup (exact tier, embedding, index search, guard) by outcome.',
    labelNames: ['outcome'], buckets: FAST_BUCKETS, registers,
  });
  const embedSeconds = new Histogram({
    name: 'semcache_embedding_duration_seconds', help: 'Embedding of one prompt, failed calls included.', buckets: FAST_BUCKETS, registers,
  });
  const searchSeconds = new Histogram({
    name: 'semcache_search_duration_seconds', help: 'Vector index search of one lookup.', buckets: FAST_BUCKETS, registers,
  });
  const embedderErrors = new Counter({
    name: 'semcache_embedder_errors_total', help: 'Embedder calls that failed, by kind (timeout, unavailable, bad-response, degenerate, failed); each became a miss.',
    labelNames: ['kind'], registers,
  });
  const semanticSkips = new Counter({
    name: 'semcache_semantic_skips_total', help: 'Lookups that skipped the semantic tier, by reason (too-long: past the model\'s token window; exact-only: an endpoint such as /v1/embeddings).',
    labelNames: ['reason'], registers,
  });
  const streamSeconds = new Histogram({
    name: 'semcache_extproc_stream_duration_seconds', help: 'ext_proc streams from open to end, as seen by this server.',
    buckets: STREAM_BUCKETS, registers,
  });
  const storeSkips = new Counter({
    name: 'semcache_store_skips_total', help: 'Answers of misses that were not stored, by reason.', labelNames: ['reason'], registers,
  });
  const uncacheable = new Counter({
    name: 'semcache_requests_uncacheable_total', help: 'Requests on a cacheable path passed through unlooked-up, by reason (invalid-json, too-deep, multiple-choices, ...).',
    labelNames: ['reason'], registers,
  });
  const badTags = new Counter({
    name: 'semcache_tags_ignored_total', help: 'Tags headers ignored as malformed (the answer is stored untagged), by reason (too-many, too-long, bad-characters).',
    labelNames: ['reason'], registers,
  });
  const processorFailures = new Counter({
    name: 'semcache_extproc_failures_total', help: 'ext_proc streams passed through after an internal error, by error name.',
    labelNames: ['reason'], registers,
  });
  const refusals = new Counter({
    name: 'semcache_namespace_refusals_total',
    help: 'Requests passed through uncached because no namespace was given to them: limit (the namespace table is full) or model-not-allowed.',
    labelNames: ['reason'], registers,
  });
  const burstWaiters = new Counter({
    name: 'semcache_singleflight_waiters_total',
    help: "Requests that waited for an identical request's model call, by outcome: answered (from its stored answer), not-stored, timeout (both then asked the model).",
    labelNames: ['outcome'], registers,
  });
  const callsSaved = new Counter({
    name: 'semcache_singleflight_calls_saved_total', help: "Model calls not made because the request was answered with an identical concurrent request's answer.",
    registers,
  });
  const removed = new Counter({
    name: 'semcache_entries_removed_total', help: 'Entries removed by reason: lru (eviction for an entry count), memory (eviction for the byte budget), evicted (by an operator), expired, replaced, flushed, superseded (of an earlier epoch).',
    labelNames: ['namespace', 'reason'], registers,
  });
  new Gauge({
    name: 'semcache_entries', help: 'Entries held, per namespace.', labelNames: ['namespace'], registers,
    collect() {
      this.reset();
      for (const ns of engine.namespaces.all()) this.inc({ namespace: labels.of(ns.name) }, ns.size);
    },
  });
  new Gauge({
    name: 'semcache_memory_bytes', help: 'Approximate memory of entries and vector index, per namespace.', labelNames: ['namespace'], registers,
    collect() {
      this.reset();
      for (const ns of engine.namespaces.all()) this.inc({ namespace: labels.of(ns.name) }, ns.memoryBytes);
    },
  });
  new Gauge({
    name: 'semcache_namespaces', help: 'Namespaces in the cache (the metrics label at most metrics.maxNamespaces of them).', registers,
    collect() {
      this.set(engine.namespaces.size);
    },
  });

  new Counter({
    name: 'semcache_online_checks_total',
    help: "Online verification: requests sent to the model (lookups_total{outcome=\"verify\"}) whose answer was compared with the cached one, by result: same, different (the cached answer would have been wrong).",
    labelNames: ['namespace', 'result'], registers,
    collect() {
      this.reset();
      for (const [ns, stats] of engine.online.tracked()) {
        this.inc({ namespace: labels.of(ns), result: 'same' }, stats.observations - stats.observedWrong);
        this.inc({ namespace: labels.of(ns), result: 'different' }, stats.observedWrong);
      }
    },
  });

  const verdicts = new Counter({
    name: 'semcache_verifier_verdicts_total',
    help: "The verifier's verdicts on the lookup's best candidate: accepted, verifier-refused, verifier-failed, verifier-timeout.",
    labelNames: ['namespace', 'verdict'], registers,
  });
  const fallbacks = new Counter({
    name: 'semcache_verifier_fallbacks_total',
    help: "Verdicts a fallback stage gave because the verifier's main one could not: cross-encoder-busy, cross-encoder-slow, cross-encoder-failed (the stacked verifier's classifier alone).",
    labelNames: ['namespace', 'reason'], registers,
  });
  const verdictsBy = childrenOf((namespace, verdict) => verdicts.labels(namespace!, verdict!));
  const fallbacksBy = childrenOf((namespace, reason) => fallbacks.labels(namespace!, reason!));
  const lookupsBy = childrenOf((namespace, outcome) => lookups.labels(namespace!, outcome!));
  const hitsBy = childrenOf((namespace) => hits.labels(namespace!));
  const missesBy = childrenOf((namespace) => misses.labels(namespace!));
  const tokensSavedBy = childrenOf((namespace) => tokensSaved.labels(namespace!));
  const costSavedBy = childrenOf((namespace) => costSaved.labels(namespace!));
  const lookupSecondsBy = childrenOf((outcome) => lookupSeconds.labels(outcome!));
  const onLookup = (e: LookupEvent): void => {
    const namespace = labels.of(e.namespace);
    lookupsBy(namespace, e.outcome).inc();
    if (HIT.has(e.outcome)) {
      hitsBy(namespace).inc();
      if (e.tokensSaved) tokensSavedBy(namespace).inc(e.tokensSaved);
      if (e.costSaved) costSavedBy(namespace).inc(e.costSaved);
    } else if (MISS.has(e.outcome)) {
      missesBy(namespace).inc();
    }
    if (e.verifier) verdictsBy(namespace, e.outcome === 'verified-miss' ? (e.reason ?? 'verifier-refused') : 'accepted').inc();
    if (e.verifierFallback) fallbacksBy(namespace, e.verifierFallback).inc();
    if (e.lookupMicros !== undefined) lookupSecondsBy(e.outcome).observe(e.lookupMicros / 1e6);
    if (e.embedMicros > 0) embedSeconds.observe(e.embedMicros / 1e6);
    if (e.searchMicros > 0) searchSeconds.observe(e.searchMicros / 1e6);
    if (e.outcome === 'error' && e.reason?.startsWith('embedder-')) embedderErrors.inc({ kind: embedderErrorKind(e.reason) });
    if (e.outcome === 'bypass' && (e.reason === 'namespace-limit' || e.reason === 'model-not-allowed')) {
      refusals.inc({ reason: e.reason === 'namespace-limit' ? 'limit' : e.reason });
    }
    if (e.reason === 'too-long' || e.reason === 'exact-only') semanticSkips.inc({ reason: e.reason });
  };
  const onChange = (change: CacheChange): void => {
    if (change.type === 'remove') removed.inc({ namespace: labels.of(change.namespace), reason: change.reason });
  };
  const unsubscribe = [engine.log.subscribe(onLookup), engine.onChange(onChange)];

  return {
    registry,
    observeStreamEnd: (seconds) => streamSeconds.observe(seconds),
    storeSkipped: (reason) => storeSkips.inc({ reason }),
    uncacheable: (reason) => uncacheable.inc({ reason }),
    badTags: (reason) => badTags.inc({ reason }),
    processorFailed: (reason) => processorFailures.inc({ reason }),
    burstWaited: (outcome) => {
      burstWaiters.inc({ outcome });
      if (outcome === 'answered') callsSaved.inc();
    },
    close() {
      for (const off of unsubscribe) off();
      registry.clear();
    },
  };
}

function embedderErrorKind(reason: string): string {
  const kind = reason.slice('embedder-'.length);
  return EMBEDDER_ERROR_KINDS.has(kind) ? kind : 'failed';
}
