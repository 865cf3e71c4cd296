import { useCallback, useEffect, useMemo, useState } from 'react';
import type { LookupEvent, NamespaceInfo } from '@semcache/shared';
import { useApi } from '../components/api-context.tsx';
import { ImportPanel } from '../components/import-panel.tsx';
import { Empty, ErrorNotice, Loading } from '../components/status.tsx';
import { TrafficChart } from '../components/traffic-chart.tsx';
import { useLoad } from '../components/use-load.ts';
import { useLookupStream } from '../components/use-lookup-stream.ts';
import { useThrottled } from '../components/use-timing.ts';
import { formatBytes, formatCost, formatCount, formatPercent } from '../logic/format.ts';
import { addLive, lookupsLastMinute, perMinute } from '../logic/lookup-series.ts';
import { routeHref } from '../logic/route.ts';

const WINDOW_MINUTES = 30;
const WINDOW_MS = WINDOW_MINUTES * 60_000;
/** The most the lookup log API returns at once. */
const MAX_EVENTS = 10_000;
/** Counters are refetched at most this often while lookups stream in. */
const STATS_REFRESH_MS = 2000;

/** Per namespace: hit rates, traffic and savings, kept current by the live lookup stream. */
export function OverviewScreen() {
  const { client } = useApi();
  const namespaces = useLoad((signal) => client.namespaces(signal), [client]);
  const initial = useLoad((signal) => client.lookups({ limit: MAX_EVENTS }, signal), [client]);
  const [events, setEvents] = useState<LookupEvent[]>([]);
  const [now, setNow] = useState(Date.now);

  useEffect(() => {
    if (initial.data) setEvents((live) => mergeWindow(initial.data!, live));
  }, [initial.data]);

  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 10_000);
    return () => clearInterval(tick);
  }, []);

  const refresh = useThrottled(namespaces.reload, STATS_REFRESH_MS);
  const stream = useLookupStream({}, useCallback((e: LookupEvent) => {
    const t = Date.now();
    setNow(t);
    setEvents((prev) => addLive(prev, e, t, WINDOW_MS, MAX_EVENTS));
    refresh();
  }, [refresh]));

  const series = useMemo(() => perMinute(events, now, WINDOW_MINUTES), [events, now]);
  const perNs = useMemo(() => lookupsLastMinute(events, now), [events, now]);

  if (namespaces.error && !namespaces.data) return <ErrorNotice error={namespaces.error} retry={namespaces.reload} />;
  if (!namespaces.data) return <Loading what="namespaces" />;
  const list = namespaces.data;

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Overview</h1>
        <span className="small muted" aria-live="polite">
          <span className={`live-dot ${stream.connected ? 'on' : ''}`} aria-hidden="true" />
          {stream.connected ? 'live' : 'not live: reconnecting'}
        </span>
      </div>
      {namespaces.error && <ErrorNotice error={namespaces.error} retry={namespaces.reload} />}
      {initial.error && <ErrorNotice error={initial.error} retry={initial.reload} />}
      {stream.error && stream.error.kind !== 'down' && <ErrorNotice error={stream.error} />}
      {list.length === 0 ? <FirstSteps /> : (
        <>
          <section className="panel" aria-labelledby="traffic-h">
            <h2 id="traffic-h">Hits and misses, last {WINDOW_MINUTES} minutes (all namespaces)</h2>
            <TrafficChart series={series} />
          </section>
          {list.map((ns) => <NamespaceCard key={ns.name} ns={ns} perMinute={perNs.get(ns.name) ?? 0} />)}
        </>
      )}
      <section className="panel">
        <ImportPanel onImported={namespaces.reload} />
      </section>
    </div>
  );
}

function NamespaceCard({ ns, perMinute }: { ns: NamespaceInfo; perMinute: number }) {
  const s = ns.stats;
  const lookups = s.exactHits + s.semanticHits + s.misses + s.guarded + s.errors;
  const share = (n: number): string => `${lookups === 0 ? 0 : (n / lookups) * 100}%`;
  const headingId = `ns-${ns.name.replace(/[^\w-]/g, '_')}`;
  return (
    <section className="panel" aria-labelledby={headingId}>
      <div className="row">
        <h2 id={headingId} style={{ margin: 0, overflowWrap: 'anywhere' }}>
          <a href={routeHref({ screen: 'namespace', namespace: ns.name })}>{ns.name}</a>
        </h2>
        {!ns.settings.enabled && <span className="badge off">caching off</span>}
        <span className="small muted">threshold {ns.settings.threshold.toFixed(3)} · {ns.embedder.provider}/{ns.embedder.model}</span>
        <span className="spacer" />
        <a href={routeHref({ screen: 'near-misses', namespace: ns.name })}>Near misses</a>
        <a href={routeHref({ screen: 'entries', namespace: ns.name })}>Entries</a>
      </div>
      <div className="stats">
        <Stat label="hit rate" value={formatPercent(s.hitRate)} />
        <Stat label="exact hits" value={formatCount(s.exactHits)} hint={formatPercent(lookups ? s.exactHits / lookups : null)} />
        <Stat label="semantic hits" value={formatCount(s.semanticHits)} hint={formatPercent(lookups ? s.semanticHits / lookups : null)} />
        <Stat label="lookups / min" value={formatCount(perMinute)} />
        <Stat label="tokens saved" value={formatCount(s.tokensSaved)} />
        <Stat label="cost saved" value={formatCost(s.costSaved)} hint="at the configured prices" />
        <Stat label="entries" value={formatCount(s.entries)} hint={`of ${formatCount(ns.settings.maxEntries)} · ${formatBytes(s.memoryBytes)}`} />
      </div>
      <div className="ratio-bar" role="img" aria-label={`exact ${share(s.exactHits)}, semantic ${share(s.semanticHits)}, misses ${share(s.misses + s.guarded + s.errors)}`}>
        <span className="exact" style={{ width: share(s.exactHits) }} />
        <span className="semantic" style={{ width: share(s.semanticHits) }} />
        <span className="miss" style={{ width: share(s.misses + s.guarded + s.errors) }} />
      </div>
      <p className="small muted">
        {formatCount(lookups)} lookups: {formatCount(s.misses)} misses, {formatCount(s.guarded)} refused by the guard,
        {' '}{formatCount(s.errors)} errors, {formatCount(s.bypassed)} bypassed · {formatCount(s.evictions)} evicted, {formatCount(s.expirations)} expired
      </p>
    </section>
  );
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="stat">
      <div className="value">{value}</div>
      <div className="label">{label}{hint ? ` · ${hint}` : ''}</div>
    </div>
  );
}

function FirstSteps() {
  return (
    <div className="panel">
      <Empty title="No traffic yet">
        <p>
          A namespace appears with the first request for a model through Envoy. Point Envoy's <code>ext_proc</code> filter at
          this server's gRPC port (50051 by default) and send an OpenAI <code>/v1/chat/completions</code> or <code>/v1/completions</code> request.
        </p>
        <p>The same question asked twice is then answered from the cache; this page updates as it happens.</p>
      </Empty>
    </div>
  );
}

/** Events loaded at start plus any that streamed in meanwhile, newest first, without duplicates. */
function mergeWindow(loaded: LookupEvent[], live: LookupEvent[]): LookupEvent[] {
  const seen = new Set(loaded.map((e) => e.id));
  return [...live.filter((e) => !seen.has(e.id)), ...loaded];
}
