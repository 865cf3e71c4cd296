import { useState } from 'react';
import { useApi } from '../components/api-context.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { NamespaceTabs } from '../components/namespace-tabs.tsx';
import { Empty, ErrorNotice, Loading } from '../components/status.tsx';
import { useLoad } from '../components/use-load.ts';
import { useDebounced } from '../components/use-timing.ts';
import { formatAgo, formatBytes, formatCount } from '../logic/format.ts';
import { routeHref } from '../logic/route.ts';

const PAGE = 25;

/** Cached entries, newest first: search by prompt text, page, open one, evict what matches. */
export function EntriesScreen({ namespace }: { namespace: string }) {
  const { client } = useApi();
  const [text, setText] = useState('');
  const [offset, setOffset] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const filter = useDebounced(text.trim(), 250);
  const page = useLoad(
    (signal) => client.entries(namespace, { text: filter || undefined, offset, limit: PAGE }, signal),
    [client, namespace, filter, offset],
  );
  const now = Date.now();

  const evictMatching = async (): Promise<void> => {
    const result = await client.evictWhere(namespace, filter);
    setNotice(`Evicted ${result.evicted} ${result.evicted === 1 ? 'entry' : 'entries'} whose prompt contains “${filter}”.`);
    setOffset(0);
    page.reload();
  };

  const data = page.data;
  return (
    <>
      <NamespaceTabs namespace={namespace} current="entries" />
      <section className="panel">
        <div className="row">
          <label className="field" style={{ flex: '1 1 16rem' }}>
            <span>Search prompts</span>
            <input
              type="search" value={text} placeholder="text the prompt contains"
              onChange={(e) => { setText(e.target.value); setOffset(0); setNotice(null); }}
            />
          </label>
          <ConfirmButton
            label="Evict all matching" title="Evict matching entries?" disabled={filter === '' || !data || data.total === 0}
            confirmLabel={`Evict ${formatCount(data?.total ?? 0)}`} onConfirm={evictMatching}
          >
            <p>Every entry of <strong>{namespace}</strong> whose prompt contains “<span className="prompt">{filter}</span>” ({formatCount(data?.total ?? 0)} now) will be removed.</p>
          </ConfirmButton>
        </div>
        {filter === '' && <p className="small muted">Type a search to evict many entries at once; to empty the namespace, flush it on its settings page.</p>}
      </section>
      {notice && <p className="notice ok" role="status">{notice}</p>}
      {page.error && <ErrorNotice error={page.error} retry={page.reload} />}
      {!data ? (!page.error && <Loading what="entries" />) : data.items.length === 0 ? (
        <div className="panel">
          {filter !== '' ? (
            <Empty title="No matches"><p>No cached prompt contains “<span className="prompt">{filter}</span>”.</p></Empty>
          ) : (
            <Empty title="Nothing cached yet">
              <p>An answer is stored after a miss: send a request for this model through Envoy and it will show here.</p>
            </Empty>
          )}
        </div>
      ) : (
        <section className="panel" aria-label="Entries">
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Prompt</th><th className="num">Hits</th><th className="hide-narrow">Cached</th>
                  <th className="hide-narrow">Expires</th><th className="num hide-narrow">Size</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((e) => (
                  <tr key={e.id} data-testid="entry-row">
                    <td>
                      <a className="clip" href={routeHref({ screen: 'entry', namespace, id: e.id })}>{e.prompt}</a>
                    </td>
                    <td className="num">{e.hitCount}</td>
                    <td className="hide-narrow small">{formatAgo(e.createdAt, now)}</td>
                    <td className="hide-narrow small">{formatAgo(e.expiresAt, now)}</td>
                    <td className="num hide-narrow small">{formatBytes(e.sizeBytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="pager">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Previous</button>
            <span className="small muted">{offset + 1}–{offset + data.items.length} of {formatCount(data.total)}</span>
            <button type="button" disabled={offset + PAGE >= data.total} onClick={() => setOffset(offset + PAGE)}>Next</button>
          </div>
        </section>
      )}
    </>
  );
}
