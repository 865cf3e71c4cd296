import { useState } from 'react';
import type { NamespaceDetail, SimilarityHistogram } from '@semcache/shared';
import { asApiError, type ApiError } from '../api/api-error.ts';
import { previewMatches, snapThreshold, suggestionText, THRESHOLD_STEP } from '../logic/what-if.ts';
import { useApi } from './api-context.tsx';
import { SimilarityPlot } from './similarity-plot.tsx';
import { Empty, ErrorNotice } from './status.tsx';
import { useLoad } from './use-load.ts';
import { useDebounced } from './use-timing.ts';
import { WhatIfPanel } from './what-if-panel.tsx';

interface Props {
  ns: NamespaceDetail;
  histogram: SimilarityHistogram | null;
  /** Called after a threshold was applied, so the page reloads what depends on it. */
  onApplied(): void;
}

/** The threshold slider, its live what-if preview and plot line, and the Apply button. */
export function ThresholdTuner({ ns, histogram, onApplied }: Props) {
  const { client } = useApi();
  const current = ns.settings.threshold;
  const [proposed, setProposed] = useState(current);
  const [applying, setApplying] = useState(false);
  const [applyError, setApplyError] = useState<ApiError | null>(null);
  const [applied, setApplied] = useState<number | null>(null);
  const settled = useDebounced(proposed, 150);
  const preview = useLoad((signal) => client.preview(ns.name, settled, signal), [client, ns.name, settled, current]);
  const suggested = ns.suggestion.threshold;

  const apply = async (): Promise<void> => {
    setApplying(true);
    setApplyError(null);
    try {
      await client.updateSettings(ns.name, { threshold: proposed });
      setApplied(proposed);
      onApplied();
    } catch (err) {
      setApplyError(asApiError(err));
    } finally {
      setApplying(false);
    }
  };

  const changed = Math.abs(proposed - current) > 1e-9;
  return (
    <section className="panel" aria-labelledby="threshold-h">
      <h2 id="threshold-h">Similarity threshold</h2>
      <p className="small muted">
        A lookup is answered from the cache when its best cached prompt is at least this similar. Lower means more hits
        and more risk of a wrong answer.
      </p>
      <div className="threshold-row">
        <input
          type="range" min={0} max={1} step={THRESHOLD_STEP} value={proposed} aria-label="Proposed threshold"
          aria-valuetext={proposed.toFixed(3)} onChange={(e) => setProposed(snapThreshold(Number(e.target.value)))}
        />
        <input
          type="number" min={0} max={1} step={THRESHOLD_STEP} value={proposed} aria-label="Proposed threshold, exact value"
          onChange={(e) => {
            const v = Number(e.target.value);
            if (e.target.value !== '' && Number.isFinite(v)) setProposed(snapThreshold(v));
          }}
        />
      </div>
      <div className="row" style={{ marginTop: '0.5rem' }}>
        <span className="threshold-value" data-testid="proposed-threshold">{proposed.toFixed(3)}</span>
        <span className="small muted">applied: {current.toFixed(3)}</span>
        <span className="spacer" />
        {changed && <button type="button" onClick={() => setProposed(current)}>Reset</button>}
        <button type="button" className="primary" disabled={!changed || applying} onClick={() => void apply()}>
          {applying ? 'Applying…' : `Apply ${proposed.toFixed(3)}`}
        </button>
      </div>
      {applyError && <ErrorNotice error={applyError} />}
      {applied !== null && !changed && applied === current && (
        <p className="notice ok small" role="status">Threshold {applied.toFixed(3)} applied: the next request uses it.</p>
      )}
      {preview.error ? <ErrorNotice error={preview.error} retry={preview.reload} /> : preview.data && (
        <WhatIfPanel preview={preview.data} stale={!previewMatches(preview.data, proposed)} />
      )}
      <p className="small">
        {suggestionText(ns.suggestion)}{' '}
        {suggested !== null && Math.abs(suggested - proposed) > 1e-9 && (
          <button type="button" className="link" onClick={() => setProposed(snapThreshold(suggested))}>Try {suggested.toFixed(3)}</button>
        )}
      </p>
      <h3 style={{ marginTop: '1rem' }}>Best similarity of recent lookups</h3>
      {histogram === null ? null : histogram.lookups === 0 ? (
        <Empty title="Nothing to plot yet">
          <p>The plot fills once lookups find a cached candidate: send the same kind of question twice in different words.</p>
        </Empty>
      ) : (
        <SimilarityPlot histogram={histogram} threshold={proposed} currentThreshold={current} />
      )}
    </section>
  );
}
