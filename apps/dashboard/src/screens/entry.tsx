import { useState } from 'react';
import { useApi } from '../components/api-context.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { NamespaceTabs } from '../components/namespace-tabs.tsx';
import { ErrorNotice, Loading } from '../components/status.tsx';
import { useLoad } from '../components/use-load.ts';
import { answerText, formatAgo, formatBytes } from '../logic/format.ts';
import { routeHref } from '../logic/route.ts';

/** One cached entry: its prompt and answer as plain text, its metadata, and eviction. */
export function EntryScreen({ namespace, id }: { namespace: string; id: string }) {
  const { client } = useApi();
  const entry = useLoad((signal) => client.entry(namespace, id, signal), [client, namespace, id]);
  const [evicted, setEvicted] = useState(false);
  const back = routeHref({ screen: 'entries', namespace });

  if (evicted) {
    return (
      <>
        <NamespaceTabs namespace={namespace} current="entries" />
        <p className="notice ok" role="status">Entry {id} was evicted: the next request like it goes to the model. <a href={back}>Back to the entries</a></p>
      </>
    );
  }
  if (entry.error) return <><NamespaceTabs namespace={namespace} current="entries" /><ErrorNotice error={entry.error} retry={entry.reload} /></>;
  if (!entry.data) return <><NamespaceTabs namespace={namespace} current="entries" /><Loading what="the entry" /></>;
  const e = entry.data;
  const now = Date.now();

  return (
    <>
      <NamespaceTabs namespace={namespace} current="entries" />
      <p><a href={back}>← All entries</a></p>
      <section className="panel stack">
        <div className="row">
          <h2 style={{ margin: 0 }}>Entry <code>{e.id}</code></h2>
          <span className="spacer" />
          <ConfirmButton
            label="Evict entry" title="Evict this entry?" confirmLabel="Evict"
            onConfirm={async () => {
              await client.evict(namespace, e.id);
              setEvicted(true);
            }}
          >
            <p>The cached answer to “<span className="prompt">{e.prompt}</span>” will be removed; the next request like it goes to the model.</p>
          </ConfirmButton>
        </div>
        <dl className="stats small">
          <div><dt className="muted">endpoint</dt><dd>{e.endpoint}</dd></div>
          <div><dt className="muted">hits</dt><dd>{e.hitCount}{e.lastHitAt !== null ? `, last ${formatAgo(e.lastHitAt, now)}` : ''}</dd></div>
          <div><dt className="muted">cached</dt><dd>{formatAgo(e.createdAt, now)}</dd></div>
          <div><dt className="muted">expires</dt><dd>{formatAgo(e.expiresAt, now)}</dd></div>
          <div><dt className="muted">size</dt><dd>{formatBytes(e.sizeBytes)}</dd></div>
          <div><dt className="muted">tokens per hit</dt><dd>{e.usage?.totalTokens ?? '–'}</dd></div>
          <div><dt className="muted">tags</dt><dd data-testid="entry-tags">{e.tags.length > 0 ? e.tags.join(', ') : '–'}</dd></div>
          <div><dt className="muted">model revision</dt><dd>{e.modelRevision ?? '–'}{e.systemFingerprint ? ` (${e.systemFingerprint})` : ''}</dd></div>
        </dl>
        <div>
          <h3>Prompt</h3>
          <pre className="text-block" data-testid="entry-prompt">{e.prompt}</pre>
        </div>
        <div>
          <h3>Cached answer</h3>
          <pre className="text-block" data-testid="entry-answer">{answerText(e.response)}</pre>
        </div>
        {e.online && (
          <div data-testid="entry-online">
            <h3>Online verification</h3>
            <p className="small">
              Learned boundary {e.online.boundary.toFixed(3)}; answers unchecked from similarity {e.online.servesFrom.toFixed(3)}.
            </p>
            {e.online.observations.length === 0 ? <p className="small muted">Not checked yet.</p> : (
              <table className="small">
                <thead><tr><th>similarity</th><th>the model's answer</th><th>when</th></tr></thead>
                <tbody>
                  {e.online.observations.map((o) => (
                    <tr key={`${o.time}-${o.similarity}`}>
                      <td>{o.similarity.toFixed(3)}</td>
                      <td><span className={`badge ${o.correct ? 'same' : 'different'}`}>{o.correct ? 'same' : 'different'}</span></td>
                      <td>{formatAgo(o.time, now)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        )}
        <details>
          <summary>Raw response ({e.contentType})</summary>
          <pre className="text-block small">{e.response}</pre>
        </details>
      </section>
    </>
  );
}
