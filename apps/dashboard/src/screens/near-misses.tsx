import { useState } from 'react';
import type { LabelVerdict, NearMiss } from '@semcache/shared';
import { asApiError, type ApiError } from '../api/api-error.ts';
import { useApi } from '../components/api-context.tsx';
import { NamespaceTabs } from '../components/namespace-tabs.tsx';
import { Empty, ErrorNotice, Loading } from '../components/status.tsx';
import { useLoad } from '../components/use-load.ts';
import { formatAgo, formatSimilarity } from '../logic/format.ts';
import { routeHref } from '../logic/route.ts';
import { suggestionText } from '../logic/what-if.ts';

/** Misses that came close: the operator says whether each pair means the same, and gets a threshold back. */
export function NearMissesScreen({ namespace }: { namespace: string }) {
  const { client } = useApi();
  const misses = useLoad((signal) => client.nearMisses(namespace, { limit: 50 }, signal), [client, namespace]);
  const labels = useLoad((signal) => client.labels(namespace, signal), [client, namespace]);
  const [verdicts, setVerdicts] = useState<Record<string, LabelVerdict | null>>({});
  const [error, setError] = useState<ApiError | null>(null);

  const mark = async (item: NearMiss, verdict: LabelVerdict): Promise<void> => {
    setError(null);
    const current = verdicts[item.lookupId] ?? item.label;
    try {
      if (current === verdict) await client.unlabel(namespace, item.lookupId);
      else await client.label(namespace, item.lookupId, verdict);
      setVerdicts((v) => ({ ...v, [item.lookupId]: current === verdict ? null : verdict }));
      labels.reload();
    } catch (err) {
      setError(asApiError(err));
    }
  };

  const head = (
    <NamespaceTabs namespace={namespace} current="near-misses">
      <button type="button" onClick={() => { misses.reload(); labels.reload(); }}>Refresh</button>
    </NamespaceTabs>
  );
  if (misses.error && !misses.data) return <>{head}<ErrorNotice error={misses.error} retry={misses.reload} /></>;
  if (!misses.data) return <>{head}<Loading what="near misses" /></>;
  const list = misses.data;

  return (
    <>
      {head}
      <section className="panel" aria-labelledby="suggestion-h">
        <h2 id="suggestion-h">Suggested threshold</h2>
        {labels.error ? <ErrorNotice error={labels.error} retry={labels.reload} /> : labels.data ? (
          <p data-testid="suggestion">{suggestionText(labels.data.suggestion)}</p>
        ) : <Loading what="labels" />}
        <p className="small muted">
          Near misses: lookups whose best cached prompt fell short of the threshold by at most {list.margin.toFixed(2)} (threshold now {list.threshold.toFixed(3)}).
          {' '}<a href={routeHref({ screen: 'namespace', namespace })}>Tune the threshold</a>
        </p>
      </section>
      {error && <ErrorNotice error={error} />}
      {list.items.length === 0 ? (
        <div className="panel">
          <Empty title="No near misses yet">
            <p>
              They appear when a question is asked in words close to, but not close enough to, one already cached.
              Also look at semantic hits on the <a href="#/live">live lookups</a> page to check nothing wrong is served.
            </p>
          </Empty>
        </div>
      ) : (
        <section aria-label="Near misses">
          {list.items.map((item) => (
            <PairCard key={item.lookupId} item={item} verdict={item.lookupId in verdicts ? verdicts[item.lookupId]! : item.label} onMark={(v) => void mark(item, v)} />
          ))}
        </section>
      )}
    </>
  );
}

function PairCard({ item, verdict, onMark }: { item: NearMiss; verdict: LabelVerdict | null; onMark(v: LabelVerdict): void }) {
  return (
    <article className="pair-card panel" data-testid="near-miss">
      <div className="row small" style={{ marginBottom: '0.5rem' }}>
        <strong className="num">similarity {formatSimilarity(item.similarity)}</strong>
        {item.outcome === 'verified-miss'
          ? <span className="muted">above the threshold {item.threshold.toFixed(3)}, refused by the verifier{item.verifierScore != null ? ` (score ${item.verifierScore.toFixed(3)})` : ' (failed)'} · {formatAgo(item.time, Date.now())}</span>
          : <span className="muted">{formatSimilarity(item.gap)} below the threshold {item.threshold.toFixed(3)} · {formatAgo(item.time, Date.now())}</span>}
        {verdict && <span className={`badge ${verdict}`}>{verdict === 'same' ? 'same meaning' : 'different meaning'}</span>}
      </div>
      <div className="pair">
        <div>
          <h3>Prompt</h3>
          <p className="text-block">{item.prompt}</p>
        </div>
        <div>
          <h3>Nearest cached prompt</h3>
          <p className="text-block">{item.candidatePrompt}</p>
        </div>
      </div>
      <div className="row" style={{ marginTop: '0.5rem' }} role="group" aria-label="Does the pair mean the same?">
        <button type="button" aria-pressed={verdict === 'same'} onClick={() => onMark('same')}>Same meaning</button>
        <button type="button" aria-pressed={verdict === 'different'} onClick={() => onMark('different')}>Different meaning</button>
      </div>
    </article>
  );
}
