import { useState, type FormEvent } from 'react';
import { useApi } from './api-context.tsx';
import { TOKEN_INPUT_ID } from './status.tsx';

/** Enter or forget the admin API token; it lives in sessionStorage for this tab only. */
export function TokenBar() {
  const { token, setToken } = useApi();
  const [draft, setDraft] = useState('');

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setToken(draft);
    setDraft('');
  };

  if (token !== null) {
    return (
      <div className="token-bar">
        <span className="small muted">Token set for this tab</span>
        <button type="button" onClick={() => setToken(null)}>Forget token</button>
      </div>
    );
  }
  return (
    <form className="token-bar" onSubmit={submit} aria-label="Admin API token">
      <label htmlFor={TOKEN_INPUT_ID} className="small muted">Admin token</label>
      <input
        id={TOKEN_INPUT_ID} type="password" autoComplete="off" spellCheck={false} value={draft}
        placeholder="paste a token" onChange={(e) => setDraft(e.target.value)}
      />
      <button type="submit" disabled={draft.trim() === ''}>Use token</button>
    </form>
  );
}
