import { useRef, useState, type FormEvent } from 'react';
import type { ImportProgress } from '@semcache/shared';
import { asApiError, type ApiError } from '../api/api-error.ts';
import { exportNamespace, importCounts, importsToShow } from '../logic/imports.ts';
import { useApi } from './api-context.tsx';
import { ErrorNotice } from './status.tsx';
import { useImports } from './use-imports.ts';

/** Bad lines listed per import; the count says how many more there were. */
const SHOWN_ERRORS = 10;
/** Enough of the file to hold its header line. */
const HEADER_BYTES = 64 * 1024;

/**
 * Imports an export file: into `namespace`, or, without one, into the namespace named in a field that the
 * file's header fills in. Shows every import of that namespace as it runs, whoever started it.
 */
export function ImportPanel({ namespace, onImported }: { namespace?: string; onImported?(): void }) {
  const { client } = useApi();
  const [file, setFile] = useState<File | null>(null);
  const [target, setTarget] = useState(namespace ?? '');
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [own, setOwn] = useState<ImportProgress | null>(null);
  const known = useRef(new Set<string>());
  const { items, error: listError } = useImports(namespace, uploading);

  for (const p of items) if (p.state === 'running') known.current.add(p.id);
  const shown = importsToShow(items, known.current);
  if (own && !shown.some((p) => p.id === own.id)) shown.unshift(own);

  const choose = async (chosen: File | null): Promise<void> => {
    setFile(chosen);
    setError(null);
    if (!chosen || namespace !== undefined) return;
    const named = exportNamespace((await chosen.slice(0, HEADER_BYTES).text()).split('\n', 1)[0] ?? '');
    if (named !== null) setTarget(named);
  };
  const send = async (dryRun: boolean): Promise<void> => {
    if (!file || target === '') return;
    setUploading(true);
    setError(null);
    try {
      const done = await client.importFile(target, file, dryRun);
      known.current.add(done.id);
      setOwn(done);
      if (!dryRun) onImported?.();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setUploading(false);
    }
  };

  return (
    <form className="import-form" onSubmit={(e: FormEvent) => { e.preventDefault(); void send(false); }} aria-labelledby="import-h">
      <h2 id="import-h">Import</h2>
      <p className="small muted">
        An export file (JSON Lines) from this or another server. Bad lines are listed by number and skipped, expired entries
        skipped; vectors are recomputed unless the export was made with this server's embedder. "Check only" reads the whole
        file and reports the same, changing nothing.
      </p>
      <div className="form-grid">
        <label className="field">
          <span>Export file</span>
          <input type="file" accept=".jsonl,.ndjson,application/x-ndjson" onChange={(e) => void choose(e.target.files?.[0] ?? null)} />
        </label>
        {namespace === undefined && (
          <label className="field">
            <span>Into namespace</span>
            <input type="text" required value={target} onChange={(e) => setTarget(e.target.value)} />
          </label>
        )}
      </div>
      {error && <ErrorNotice error={error} />}
      {listError && listError.kind !== 'down' && <ErrorNotice error={listError} />}
      <div className="row">
        <button type="submit" className="primary" disabled={!file || target === '' || uploading}>{uploading ? 'Reading…' : 'Import'}</button>
        <button type="button" disabled={!file || target === '' || uploading} onClick={() => void send(true)}>Check only</button>
      </div>
      {shown.map((p) => <ImportStatus key={p.id} progress={p} />)}
    </form>
  );
}

function ImportStatus({ progress: p }: { progress: ImportProgress }) {
  const tone = p.state === 'failed' ? 'error' : p.state === 'done' ? (p.failed > 0 ? 'warn' : 'ok') : '';
  const more = p.failed - Math.min(p.failed, p.errors.length, SHOWN_ERRORS);
  return (
    <div className={`notice ${tone}`} role="status" data-testid="import-progress">
      <h3>{p.dryRun ? 'Check of an import into' : 'Import into'} {p.namespace}: {p.state}</h3>
      {p.expected !== null && p.expected > 0 && <progress value={Math.min(p.linesRead, p.expected)} max={p.expected} aria-label="Lines read" />}
      <p className="small">{importCounts(p)}</p>
      {p.error && <p className="small">{p.error}</p>}
      {p.errors.length > 0 && (
        <ul className="small">
          {p.errors.slice(0, SHOWN_ERRORS).map((e) => <li key={e.line}>line {e.line}: {e.reason}</li>)}
        </ul>
      )}
      {more > 0 && <p className="small">and {more} more bad lines</p>}
    </div>
  );
}
