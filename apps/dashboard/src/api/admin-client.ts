import type {
  EntryDetail, EntryList, EntrySelector, EpochResult, EvictionResult, EvictResult, FlushResult, ImportList, ImportProgress, LabelList, LabelVerdict, LookupEvent, LookupList, LookupOutcome,
  NamespaceDetail, NamespaceInfo, NamespaceList, NearMissList, PairLabel, SettingsPatchRequest, SimilarityHistogram,
  ThresholdPreview,
} from '@semcache/shared';
import { Http, type HttpOptions } from './http.ts';

const ns = (name: string): string => `/namespaces/${encodeURIComponent(name)}`;

/** The admin API as the dashboard uses it: one method per call, typed by the shared schemas. */
export class AdminClient {
  readonly http: Http;

  constructor(opts: HttpOptions) {
    this.http = new Http(opts);
  }

  namespaces(signal?: AbortSignal): Promise<NamespaceInfo[]> {
    return this.http.request<NamespaceList>('GET', '/namespaces', { signal }).then((r) => r.items);
  }

  namespace(name: string, signal?: AbortSignal): Promise<NamespaceDetail> {
    return this.http.request('GET', ns(name), { signal });
  }

  updateSettings(name: string, patch: SettingsPatchRequest): Promise<NamespaceInfo> {
    return this.http.request('PATCH', ns(name), { body: patch });
  }

  flush(name: string): Promise<FlushResult> {
    return this.http.request('POST', `${ns(name)}/flush`);
  }

  deleteNamespace(name: string): Promise<FlushResult> {
    return this.http.request('DELETE', ns(name));
  }

  entries(name: string, query: { text?: string; offset: number; limit: number }, signal?: AbortSignal): Promise<EntryList> {
    return this.http.request('GET', `${ns(name)}/entries`, { query, signal });
  }

  entry(name: string, id: string, signal?: AbortSignal): Promise<EntryDetail> {
    return this.http.request('GET', `${ns(name)}/entries/${encodeURIComponent(id)}`, { signal });
  }

  evict(name: string, id: string): Promise<EvictResult> {
    return this.http.request('DELETE', `${ns(name)}/entries/${encodeURIComponent(id)}`);
  }

  evictWhere(name: string, text: string): Promise<EvictResult> {
    return this.http.request('DELETE', `${ns(name)}/entries`, { query: { text } });
  }

  /** Every criterion of the selector must hold; a dry run only reports what would go. */
  evictSelected(name: string, selector: EntrySelector, opts: { dryRun: boolean; sample?: number }): Promise<EvictionResult> {
    return this.http.request('POST', `${ns(name)}/evictions`, { body: { ...selector, ...opts } });
  }

  bumpEpoch(name: string): Promise<EpochResult> {
    return this.http.request('POST', `${ns(name)}/epoch`);
  }

  lookups(query: { namespace?: string; outcome?: LookupOutcome; limit?: number }, signal?: AbortSignal): Promise<LookupEvent[]> {
    return this.http.request<LookupList>('GET', '/lookups', { query, signal }).then((r) => r.items);
  }

  /** Calls `onLookup` for each live lookup until `signal` aborts or the server ends the stream. */
  streamLookups(
    query: { namespace?: string; outcome?: LookupOutcome }, onLookup: (e: LookupEvent) => void, signal: AbortSignal, onOpen?: () => void,
  ): Promise<void> {
    return this.http.stream('/lookups/stream', query, (msg) => {
      if (msg.event === 'lookup') onLookup(JSON.parse(msg.data) as LookupEvent);
    }, signal, onOpen);
  }

  nearMisses(name: string, query: { limit?: number } = {}, signal?: AbortSignal): Promise<NearMissList> {
    return this.http.request('GET', `${ns(name)}/near-misses`, { query, signal });
  }

  histogram(name: string, query: { bins?: number } = {}, signal?: AbortSignal): Promise<SimilarityHistogram> {
    return this.http.request('GET', `${ns(name)}/similarity-histogram`, { query, signal });
  }

  preview(name: string, threshold: number, signal?: AbortSignal): Promise<ThresholdPreview> {
    return this.http.request('GET', `${ns(name)}/threshold-preview`, { query: { threshold, examples: 5 }, signal });
  }

  labels(name: string, signal?: AbortSignal): Promise<LabelList> {
    return this.http.request('GET', `${ns(name)}/labels`, { signal });
  }

  label(name: string, lookupId: string, verdict: LabelVerdict): Promise<PairLabel> {
    return this.http.request('POST', `${ns(name)}/labels`, { body: { lookupId, verdict } });
  }

  /** The whole export as one file: the browser has to hold it to save it anyway. */
  exportNamespace(name: string, vectors: boolean): Promise<Blob> {
    return this.http.download(`${ns(name)}/export`, { vectors });
  }

  /** Resolves when the server has read the whole file; `imports` shows its progress meanwhile. */
  importFile(name: string, file: Blob, dryRun = false): Promise<ImportProgress> {
    return this.http.request('POST', `${ns(name)}/import`, { query: { dryRun }, file: { data: file, contentType: 'application/x-ndjson' } });
  }

  imports(namespace: string | undefined, signal?: AbortSignal): Promise<ImportProgress[]> {
    return this.http.request<ImportList>('GET', '/imports', { query: { namespace }, signal }).then((r) => r.items);
  }

  unlabel(name: string, lookupId: string): Promise<void> {
    return this.http.request('DELETE', `${ns(name)}/labels/${encodeURIComponent(lookupId)}`);
  }
}
