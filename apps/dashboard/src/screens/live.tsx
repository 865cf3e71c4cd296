import { useCallback, useEffect, useState } from 'react';
import type { LookupEvent, LookupOutcome } from '@semcache/shared';
import { useApi } from '../components/api-context.tsx';
import { OUTCOME_LABELS, OutcomeBadge } from '../components/outcome-badge.tsx';
import { Empty, ErrorNotice, Loading } from '../components/status.tsx';
import { useLoad } from '../components/use-load.ts';
import { useLookupStream } from '../components/use-lookup-stream.ts';
import { formatClock, formatSimilarity } from '../logic/format.ts';
import { routeHref } from '../logic/route.ts';

const SHOWN = 200;

/** Lookups as they happen, newest first, with outcome and similarity. */
export function LiveScreen() {
  const { client } = useApi();
  const [namespace, setNamespace] = useState('');
  const [outcome, setOutcome] = useState<LookupOutcome | ''>('');
  const [paused, setPaused] = useState(false);
  const [events, setEvents] = useState<LookupEvent[]>([]);
  const query = { namespace: namespace || undefined, outcome: outcome || undefined };
  const namespaces = useLoad((signal) => client.namespaces(signal), [client]);
  const initial = useLoad((signal) => client.lookups({ ...query, limit: SHOWN }, signal), [client, namespace, outcome]);

  useEffect(() => {
    if (initial.data) setEvents(initial.data);
  }, [initial.data]);

  const stream = useLookupStream(query, useCallback((e: LookupEvent) => {
    setEvents((prev) => (prev.some((p) => p.id === e.id) ? prev : [e, ...prev].slice(0, SHOWN)));
  }, []), !paused);

  // The stream stops while paused; resuming reloads what came in meanwhile.
  const togglePause = (): void => {
    if (paused) initial.reload();
    setPaused(!paused);
  };

  return (
    <>
      <div className="page-head">
        <h1>Live lookups</h1>
        <span className="small muted" aria-live="polite">
          <span className={`live-dot ${stream.connected ? 'on' : ''}`} aria-hidden="true" />
          {paused ? 'paused' : stream.connected ? 'live' : 'reconnecting…'}
        </span>
      </div>
      <section className="panel row" aria-label="Filters">
        <label className="field">
          <span>Namespace</span>
          <select value={namespace} onChange={(e) => setNamespace(e.target.value)}>
            <option value="">all</option>
            {(namespaces.data ?? []).map((ns) => <option key={ns.name} value={ns.name}>{ns.name}</option>)}
          </select>
        </label>
        <label className="field">
          <span>Outcome</span>
          <select value={outcome} onChange={(e) => setOutcome(e.target.value as LookupOutcome | '')}>
            <option value="">all</option>
            {Object.entries(OUTCOME_LABELS).map(([o, label]) => <option key={o} value={o}>{label}</option>)}
          </select>
        </label>
        <span className="spacer" />
        <button type="button" aria-pressed={paused} onClick={togglePause}>{paused ? 'Resume' : 'Pause'}</button>
      </section>
      {stream.error && stream.error.kind !== 'down' && <ErrorNotice error={stream.error} />}
      {initial.error && <ErrorNotice error={initial.error} retry={initial.reload} />}
      {!initial.data && !initial.error ? <Loading what="recent lookups" /> : events.length === 0 ? (initial.error ? null : (
        <div className="panel">
          <Empty title="Waiting for lookups">
            <p>Every request for <code>/v1/chat/completions</code> or <code>/v1/completions</code> that passes Envoy shows here as it happens.</p>
          </Empty>
        </div>
      )) : (
        <section className="panel table-wrap" aria-label="Lookups">
          <table>
            <thead>
              <tr>
                <th>Time</th><th>Outcome</th><th className="num">Similarity</th><th>Prompt</th>
                <th className="hide-narrow">Nearest cached prompt</th><th className="hide-narrow">Namespace</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id} data-testid="lookup-row">
                  <td className="small num">{formatClock(e.time)}</td>
                  <td><OutcomeBadge outcome={e.outcome} />{e.reason && <div className="small muted">{e.reason}</div>}
                    {e.verifierScore != null && <div className="small muted" data-testid="verifier-score">verifier {e.verifierScore.toFixed(3)}{e.verifierFallback && ` (classifier alone: ${e.verifierFallback})`}</div>}</td>
                  <td className="num small">{formatSimilarity(e.similarity)}<div className="muted">≥ {e.threshold.toFixed(3)}</div></td>
                  <td><span className="clip">{e.prompt}</span></td>
                  <td className="hide-narrow"><span className="clip muted">{e.candidatePrompt ?? '–'}</span></td>
                  <td className="hide-narrow small"><a href={routeHref({ screen: 'namespace', namespace: e.namespace })}>{e.namespace}</a></td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
