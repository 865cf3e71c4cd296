import { useCallback } from 'react';
import { useApi } from '../components/api-context.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { ExportButton } from '../components/export-button.tsx';
import { ImportPanel } from '../components/import-panel.tsx';
import { NamespaceTabs } from '../components/namespace-tabs.tsx';
import { OnlinePanel } from '../components/online-panel.tsx';
import { SettingsForm } from '../components/settings-form.tsx';
import { ErrorNotice, Loading } from '../components/status.tsx';
import { ThresholdTuner } from '../components/threshold-tuner.tsx';
import { useLoad } from '../components/use-load.ts';
import { useLookupStream } from '../components/use-lookup-stream.ts';
import { useThrottled } from '../components/use-timing.ts';
import { formatBytes, formatCount, formatPercent } from '../logic/format.ts';
import { routeHref } from '../logic/route.ts';

const HISTOGRAM_BINS = 40;

/** One namespace: threshold tuning with the what-if preview and the similarity plot, settings, flush, delete, export and import. */
export function NamespaceScreen({ namespace }: { namespace: string }) {
  const { client } = useApi();
  const detail = useLoad((signal) => client.namespace(namespace, signal), [client, namespace]);
  const histogram = useLoad((signal) => client.histogram(namespace, { bins: HISTOGRAM_BINS }, signal), [client, namespace]);
  const reloadAll = useCallback(() => {
    detail.reload();
    histogram.reload();
  }, [detail.reload, histogram.reload]);
  const refresh = useThrottled(reloadAll, 3000);
  useLookupStream({ namespace }, refresh);

  if (detail.error && !detail.data) return <><NamespaceTabs namespace={namespace} current="namespace" /><ErrorNotice error={detail.error} retry={detail.reload} /></>;
  if (!detail.data) return <><NamespaceTabs namespace={namespace} current="namespace" /><Loading what="the namespace" /></>;
  const ns = detail.data;
  const s = ns.stats;

  return (
    <>
      <NamespaceTabs namespace={namespace} current="namespace">
        <span className="small muted">
          {formatCount(s.entries)} {s.entries === 1 ? 'entry' : 'entries'} · {formatBytes(s.memoryBytes)} · hit rate {formatPercent(s.hitRate)} · {ns.embedder.provider}/{ns.embedder.model}
        </span>
      </NamespaceTabs>
      {detail.error && <ErrorNotice error={detail.error} retry={detail.reload} />}
      {histogram.error && <ErrorNotice error={histogram.error} retry={histogram.reload} />}
      <ThresholdTuner ns={ns} histogram={histogram.data} onApplied={reloadAll} />
      <div className="grid-2">
        <section className="panel">
          <SettingsForm namespace={namespace} settings={ns.settings} onSaved={detail.reload} />
        </section>
        <OnlinePanel ns={ns} onSaved={detail.reload} />
        <section className="panel" aria-labelledby="flush-h">
          <h2 id="flush-h">Flush</h2>
          <p className="small muted">Removes every cached answer of this namespace; its settings and counters stay. The next requests go to the model.</p>
          <ConfirmButton
            label="Flush namespace" title={`Flush ${namespace}?`} confirmLabel={`Remove ${formatCount(s.entries)} entries`}
            onConfirm={async () => {
              await client.flush(namespace);
              reloadAll();
            }}
          >
            <p>All {formatCount(s.entries)} cached answers of <strong>{namespace}</strong> will be removed. This cannot be undone.</p>
          </ConfirmButton>
        </section>
        <section className="panel" aria-labelledby="delete-h">
          <h2 id="delete-h">Delete</h2>
          <p className="small muted">Removes the namespace itself: its answers, settings and counters, and frees its slot in the namespace table (for names a client invented).</p>
          <ConfirmButton
            label="Delete namespace" title={`Delete ${namespace}?`} confirmLabel={`Delete ${namespace}`}
            onConfirm={async () => {
              await client.deleteNamespace(namespace);
              window.location.hash = routeHref({ screen: 'overview' });
            }}
          >
            <p><strong>{namespace}</strong> and its {formatCount(s.entries)} cached answers will be removed; a later request for it starts again with the defaults.</p>
          </ConfirmButton>
        </section>
        <section className="panel" aria-label="Export and import">
          <ExportButton namespace={namespace} />
          <ImportPanel namespace={namespace} onImported={reloadAll} />
        </section>
      </div>
    </>
  );
}
