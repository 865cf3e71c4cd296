import { useState, type FormEvent } from 'react';
import type { EvictionResult } from '@semcache/shared';
import { asApiError, type ApiError } from '../api/api-error.ts';
import { useApi } from '../components/api-context.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { NamespaceTabs } from '../components/namespace-tabs.tsx';
import { ErrorNotice } from '../components/status.tsx';
import { useLoad } from '../components/use-load.ts';
import { formatAgo, formatCount } from '../logic/format.ts';
import { routeHref } from '../logic/route.ts';
import { EMPTY_SELECTOR_FORM, selectorOf, type SelectorForm } from '../logic/selector-form.ts';

const SAMPLE = 20;

const plural = (n: number): string => `${formatCount(n)} ${n === 1 ? 'entry' : 'entries'}`;

/**
 * Targeted invalidation: evict the entries a selector matches, after a dry run that shows what would go,
 * or drop everything at once by starting a new epoch.
 */
export function InvalidateScreen({ namespace }: { namespace: string }) {
  const { client } = useApi();
  const detail = useLoad((signal) => client.namespace(namespace, signal), [client, namespace]);
  const [form, setForm] = useState<SelectorForm>(EMPTY_SELECTOR_FORM);
  /** The dry run and the form it was made for: evicting needs a preview of the selector as it stands. */
  const [preview, setPreview] = useState<{ form: SelectorForm; result: EvictionResult } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const built = selectorOf(form);
  const current = preview !== null && preview.form === form ? preview.result : null;

  const set = (field: keyof SelectorForm) => (e: { target: { value: string } }): void => {
    setForm({ ...form, [field]: e.target.value });
    setNotice(null);
    setProblem(null);
    setError(null);
  };

  const dryRun = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    if ('error' in built) {
      setProblem(built.error);
      return;
    }
    setProblem(null);
    try {
      setPreview({ form, result: await client.evictSelected(namespace, built.selector, { dryRun: true, sample: SAMPLE }) });
    } catch (err) {
      setError(asApiError(err));
    }
  };

  const evict = async (): Promise<void> => {
    if ('error' in built) return;
    const result = await client.evictSelected(namespace, built.selector, { dryRun: false, sample: 0 });
    setPreview(null);
    setNotice(`Evicted ${plural(result.evicted.length)}: the next requests like them go to the model.`);
    detail.reload();
  };

  const epoch = detail.data?.epoch ?? 0;
  const entries = detail.data?.stats.entries ?? 0;
  const now = Date.now();

  return (
    <>
      <NamespaceTabs namespace={namespace} current="invalidate" />
      {detail.error && <ErrorNotice error={detail.error} retry={detail.reload} />}
      <section className="panel stack" aria-labelledby="select-h">
        <h2 id="select-h">Evict by selector</h2>
        <p className="small muted">Every criterion filled in must hold. Preview first: nothing is removed until you confirm.</p>
        <form className="stack" onSubmit={(e) => void dryRun(e)}>
          <div className="grid-2">
            <label className="field"><span>Tags (any of, comma-separated)</span><input value={form.tags} onChange={set('tags')} placeholder="release-5, faq" /></label>
            <label className="field"><span>Older than (minutes)</span><input inputMode="decimal" value={form.olderThanMinutes} onChange={set('olderThanMinutes')} /></label>
            <label className="field"><span>Model revision (exactly)</span><input value={form.modelRevision} onChange={set('modelRevision')} placeholder="gpt-4o-2024-08-06" /></label>
            <label className="field"><span>Prompt contains</span><input value={form.text} onChange={set('text')} /></label>
            <label className="field"><span>Similar to prompt</span><input value={form.similarTo} onChange={set('similarTo')} /></label>
            <label className="field"><span>Minimum similarity</span><input inputMode="decimal" value={form.minSimilarity} onChange={set('minSimilarity')} /></label>
          </div>
          <div className="row">
            <button type="submit">Preview (dry run)</button>
            <ConfirmButton
              label="Evict matching" title="Evict the matching entries?" disabled={!current || current.matched === 0}
              confirmLabel={`Evict ${plural(current?.matched ?? 0)}`} onConfirm={evict}
            >
              <p>The {plural(current?.matched ?? 0)} of <strong>{namespace}</strong> the preview found (and any stored since that match) will be removed.</p>
            </ConfirmButton>
          </div>
        </form>
        {problem && <p className="notice warn" role="alert">{problem}</p>}
        {error && <ErrorNotice error={error} />}
        {current && (
          <div data-testid="dry-run">
            <p role="status"><strong>{plural(current.matched)}</strong> would be evicted{current.matched > current.sample.length ? `; the newest ${current.sample.length}:` : current.matched > 0 ? ':' : '.'}</p>
            {current.sample.length > 0 && (
              <div className="table-wrap">
                <table>
                  <thead><tr><th>Prompt</th><th className="hide-narrow">Tags</th><th className="hide-narrow">Revision</th><th className="hide-narrow">Cached</th></tr></thead>
                  <tbody>
                    {current.sample.map((e) => (
                      <tr key={e.id} data-testid="dry-run-row">
                        <td><a className="clip" href={routeHref({ screen: 'entry', namespace, id: e.id })}>{e.prompt}</a></td>
                        <td className="hide-narrow small">{e.tags.join(', ') || '–'}</td>
                        <td className="hide-narrow small">{e.modelRevision ?? '–'}</td>
                        <td className="hide-narrow small">{formatAgo(e.createdAt, now)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        )}
      </section>
      {notice && <p className="notice ok" role="status">{notice}</p>}
      <section className="panel stack" aria-labelledby="epoch-h">
        <h2 id="epoch-h">New epoch</h2>
        <p className="small muted">
          Epoch <strong data-testid="epoch">{epoch}</strong>. Starting a new one stops every answer stored so far at once, on every replica;
          they are removed in the background. Settings, counters and labels stay.
        </p>
        <ConfirmButton
          label="Start a new epoch" title={`Start epoch ${epoch + 1} of ${namespace}?`} confirmLabel={`Supersede ${plural(entries)}`}
          onConfirm={async () => {
            const result = await client.bumpEpoch(namespace);
            setPreview(null);
            setError(null);
            setNotice(`Epoch ${result.epoch} started: ${plural(result.superseded)} will not be served again.`);
            detail.reload();
          }}
        >
          <p>None of the {plural(entries)} cached for <strong>{namespace}</strong> will be served again. This cannot be undone.</p>
        </ConfirmButton>
      </section>
    </>
  );
}
