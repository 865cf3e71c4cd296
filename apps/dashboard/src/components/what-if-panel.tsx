import type { PreviewExample, ThresholdPreview } from '@semcache/shared';
import { formatSimilarity } from '../logic/format.ts';
import { whatIfView } from '../logic/what-if.ts';

/** The threshold preview in words, with a few of the lookups that would flip. */
export function WhatIfPanel({ preview, stale }: { preview: ThresholdPreview; stale: boolean }) {
  const v = whatIfView(preview);
  return (
    <div className="what-if" aria-live="polite" aria-busy={stale} style={{ opacity: stale ? 0.6 : 1 }} data-testid="what-if">
      <p><strong>{v.headline}</strong></p>
      {v.detail && <p className="small muted">{v.detail}</p>}
      {!v.unchanged && v.gained.length > 0 && (
        <Examples title={`Would now be answered from the cache (${v.gainedCount})`} items={v.gained} />
      )}
      {!v.unchanged && v.lost.length > 0 && (
        <Examples title={`Would now go to the model (${v.lostCount})`} items={v.lost} />
      )}
    </div>
  );
}

function Examples({ title, items }: { title: string; items: PreviewExample[] }) {
  return (
    <>
      <h3 className="small" style={{ marginTop: '0.5rem' }}>{title}</h3>
      <ul className="small">
        {items.map((e) => (
          <li key={e.lookupId}>
            <span className="num">{formatSimilarity(e.similarity)}</span>{' '}
            “<span className="prompt">{e.prompt}</span>” ≈ “<span className="prompt">{e.candidatePrompt}</span>”
          </li>
        ))}
      </ul>
    </>
  );
}
