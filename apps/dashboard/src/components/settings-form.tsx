import { ClientControlsSchema, type ClientControls, type NamespaceSettings, type SettingsPatchRequest } from '@semcache/shared';
import { ErrorNotice } from './status.tsx';
import { useSettingsDraft } from './use-settings-draft.ts';

type Draft = Pick<NamespaceSettings, 'enabled' | 'guard' | 'clientControls'> & {
  verifier: boolean; verifierThreshold: string; verifierCandidateThreshold: string; ttlSeconds: string; maxEntries: string;
};

const draftOf = (s: NamespaceSettings): Draft => ({
  enabled: s.enabled, guard: s.guard, clientControls: s.clientControls,
  verifier: s.verifier ?? true, verifierThreshold: String(s.verifierThreshold ?? ''),
  verifierCandidateThreshold: String(s.verifierCandidateThreshold ?? ''),
  ttlSeconds: String(s.ttlSeconds), maxEntries: String(s.maxEntries),
});

const CONTROL_LABELS: Record<ClientControls, string> = {
  off: 'none (the header is ignored)',
  'read-only': 'bypass and no-store',
  all: 'bypass, no-store and refresh',
};

/** TTL, capacity and switches; sends only what changed. */
export function SettingsForm({ namespace, settings, onSaved }: { namespace: string; settings: NamespaceSettings; onSaved(): void }) {
  const { draft, edit, reset, save, error, saving, saved } = useSettingsDraft(namespace, () => draftOf(settings), onSaved);

  const patch: SettingsPatchRequest = {};
  if (draft.enabled !== settings.enabled) patch.enabled = draft.enabled;
  if (draft.guard !== settings.guard) patch.guard = draft.guard;
  if (draft.clientControls !== settings.clientControls) patch.clientControls = draft.clientControls;
  if (draft.verifier !== (settings.verifier ?? true)) patch.verifier = draft.verifier;
  if (draft.verifierThreshold !== String(settings.verifierThreshold ?? '') && draft.verifierThreshold !== '') patch.verifierThreshold = Number(draft.verifierThreshold);
  if (draft.verifierCandidateThreshold !== String(settings.verifierCandidateThreshold ?? '') && draft.verifierCandidateThreshold !== '') {
    patch.verifierCandidateThreshold = Number(draft.verifierCandidateThreshold);
  }
  if (draft.ttlSeconds !== String(settings.ttlSeconds)) patch.ttlSeconds = Number(draft.ttlSeconds);
  if (draft.maxEntries !== String(settings.maxEntries)) patch.maxEntries = Number(draft.maxEntries);
  const dirty = Object.keys(patch).length > 0;

  return (
    <form onSubmit={(e) => void save(e, patch)} aria-labelledby="settings-h">
      <h2 id="settings-h">Settings</h2>
      <div className="form-grid">
        <label className="field">
          <span>Time to live (seconds)</span>
          <input type="number" min={1} step={1} required value={draft.ttlSeconds} onChange={(e) => edit({ ttlSeconds: e.target.value })} />
        </label>
        <label className="field">
          <span>Max entries</span>
          <input type="number" min={1} step={1} required value={draft.maxEntries} onChange={(e) => edit({ maxEntries: e.target.value })} />
        </label>
        <label><input type="checkbox" checked={draft.enabled} onChange={(e) => edit({ enabled: e.target.checked })} /> Caching enabled</label>
        <label><input type="checkbox" checked={draft.guard} onChange={(e) => edit({ guard: e.target.checked })} /> False-hit guard</label>
        <label className="field">
          <span>Client controls (x-semantic-cache)</span>
          <select value={draft.clientControls} onChange={(e) => edit({ clientControls: ClientControlsSchema.parse(e.target.value) })}>
            {ClientControlsSchema.options.map((c) => <option key={c} value={c}>{CONTROL_LABELS[c]}</option>)}
          </select>
        </label>
        <label><input type="checkbox" checked={draft.verifier} onChange={(e) => edit({ verifier: e.target.checked })} /> Verifier</label>
        <label className="field">
          <span>Verifier threshold (score a candidate needs)</span>
          <input type="number" min={0} max={1} step={0.01} value={draft.verifierThreshold} onChange={(e) => edit({ verifierThreshold: e.target.value })} />
        </label>
        <label className="field">
          <span>Verifier candidate similarity (used only with the verifier on)</span>
          <input type="number" min={0} max={1} step={0.01} value={draft.verifierCandidateThreshold} onChange={(e) => edit({ verifierCandidateThreshold: e.target.value })} />
        </label>
      </div>
      <p className="small muted">A shorter TTL also shortens the life of answers already cached. Fewer max entries evicts the least recently used. The verifier refuses candidates that pass the threshold and the guard but score below its threshold. With the verifier on, candidates need the candidate similarity; with it off, the namespace's similarity threshold alone decides.</p>
      {error && <ErrorNotice error={error} />}
      <div className="row">
        <button type="submit" className="primary" disabled={!dirty || saving}>{saving ? 'Saving…' : 'Save settings'}</button>
        {dirty && <button type="button" onClick={() => reset(draftOf(settings))}>Discard changes</button>}
        {saved && !dirty && <span className="small" role="status">Saved.</span>}
      </div>
    </form>
  );
}
