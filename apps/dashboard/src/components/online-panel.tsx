import type { NamespaceInfo, SettingsPatchRequest } from '@semcache/shared';
import { formatCount, formatPercent } from '../logic/format.ts';
import { ErrorNotice } from './status.tsx';
import { useSettingsDraft } from './use-settings-draft.ts';

interface Draft {
  online: boolean;
  /** Percent, as typed. */
  errorBound: string;
  maxExploreRate: string;
}

const percentOf = (ratio: number | undefined): string => (ratio === undefined ? '' : String(Math.round(ratio * 10_000) / 100));
const draftOf = (ns: NamespaceInfo): Draft => ({
  online: ns.settings.online ?? false, errorBound: percentOf(ns.settings.errorBound), maxExploreRate: percentOf(ns.settings.maxExploreRate),
});

/** Online verification of one namespace: its error bound and exploration cap, live, and what it has found. */
export function OnlinePanel({ ns, onSaved }: { ns: NamespaceInfo; onSaved(): void }) {
  const { draft, edit, save, error, saving, saved } = useSettingsDraft(ns.name, () => draftOf(ns), onSaved);
  const o = ns.online;

  const patch: SettingsPatchRequest = {};
  if (draft.online !== (ns.settings.online ?? false)) patch.online = draft.online;
  if (draft.errorBound !== percentOf(ns.settings.errorBound) && draft.errorBound !== '') patch.errorBound = Number(draft.errorBound) / 100;
  if (draft.maxExploreRate !== percentOf(ns.settings.maxExploreRate) && draft.maxExploreRate !== '') patch.maxExploreRate = Number(draft.maxExploreRate) / 100;
  const dirty = Object.keys(patch).length > 0;

  return (
    <section className="panel" aria-labelledby="online-h">
      <form onSubmit={(e) => void save(e, patch)}>
        <h2 id="online-h">Online verification</h2>
        <dl className="stats small" data-testid="online-stats">
          <div><dt className="muted">state</dt><dd>{ns.settings.online ? `on, error bound ${formatPercent(ns.settings.errorBound)}` : 'off: the threshold decides'}</dd></div>
          <div><dt className="muted">would-be hits explored</dt><dd>{formatPercent(o?.exploredShare)} ({formatCount(o?.explored ?? 0)})</dd></div>
          <div><dt className="muted">estimated error</dt><dd>{formatPercent(o?.estimatedErrorRate, 2)}</dd></div>
          <div><dt className="muted">observed error</dt><dd>{formatPercent(o?.observedErrorRate, 2)} of {formatCount(o?.observations ?? 0)} checked</dd></div>
          <div><dt className="muted">served by the policy</dt><dd>{formatCount(o?.served ?? 0)}{o?.capped ? `, ${formatCount(o.capped)} past the cap` : ''}</dd></div>
          <div><dt className="muted">refused by the boundary</dt><dd>{formatCount(o?.refused ?? 0)}</dd></div>
        </dl>
        <div className="form-grid">
          <label><input type="checkbox" checked={draft.online} onChange={(e) => edit({ online: e.target.checked })} /> Online verification</label>
          <label className="field">
            <span>Error bound δ (% of requests)</span>
            <input type="number" min={0.1} max={50} step={0.1} value={draft.errorBound} onChange={(e) => edit({ errorBound: e.target.value })} />
          </label>
          <label className="field">
            <span>Max exploration (% of would-be hits)</span>
            <input type="number" min={0} max={100} step={1} value={draft.maxExploreRate} onChange={(e) => edit({ maxExploreRate: e.target.value })} />
          </label>
        </div>
        <p className="small muted">
          On, some would-be hits go to the model instead (<code>x-semantic-cache: verify</code>) and its answer is compared with the cached one.
          Each entry learns where it may answer; an entry found wrong stops answering there. Estimated error: the policy's own estimate for
          what it served; observed: the share of checked answers that differed. Off, the similarity threshold alone decides.
        </p>
        {error && <ErrorNotice error={error} />}
        <div className="row">
          <button type="submit" className="primary" disabled={!dirty || saving}>{saving ? 'Saving…' : 'Save online verification'}</button>
          {saved && !dirty && <span className="small" role="status">Saved.</span>}
        </div>
      </form>
    </section>
  );
}
