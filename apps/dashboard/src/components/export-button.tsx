import { useState } from 'react';
import { asApiError, type ApiError } from '../api/api-error.ts';
import { useApi } from './api-context.tsx';
import { ErrorNotice } from './status.tsx';

/** Downloads the namespace as an export file (JSON Lines), with or without its vectors. */
export function ExportButton({ namespace }: { namespace: string }) {
  const { client } = useApi();
  const [vectors, setVectors] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const download = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const url = URL.createObjectURL(await client.exportNamespace(namespace, vectors));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${namespace.replace(/[^\w.-]+/g, '_')}.jsonl`;
      a.click();
      // Later, not at once: the browser reads the URL after the click has returned.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div aria-labelledby="export-h">
      <h2 id="export-h">Export</h2>
      <p className="small muted">Every entry (prompt, answer, metadata) as JSON Lines, to import into another server or namespace. Vectors spare the importer the embedding when it runs the same embedder.</p>
      <div className="row">
        <label><input type="checkbox" checked={vectors} onChange={(e) => setVectors(e.target.checked)} /> Include vectors</label>
        <button type="button" onClick={() => void download()} disabled={busy}>{busy ? 'Exporting…' : 'Download export'}</button>
      </div>
      {error && <ErrorNotice error={error} />}
    </div>
  );
}
