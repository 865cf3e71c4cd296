import type { ReactNode } from 'react';
import type { ApiError } from '../api/api-error.ts';

export function Loading({ what }: { what: string }) {
  return <p className="loading" role="status">Loading {what}…</p>;
}

export const TOKEN_INPUT_ID = 'admin-token';

const focusToken = (): void => document.getElementById(TOKEN_INPUT_ID)?.focus();

/** An admin API failure explained in terms of what the operator can do about it. */
export function ErrorNotice({ error, retry }: { error: ApiError; retry?: () => void }) {
  let title: string;
  let help: ReactNode;
  switch (error.kind) {
    case 'down':
      title = 'The admin API does not answer';
      help = <>Is the semcache server running? The dashboard talks to <code>/api</code> on the address it was loaded from.</>;
      break;
    case 'unauthorized':
      title = 'A valid admin API token is needed';
      help = (
        <>
          The server was started with <code>ADMIN_TOKEN</code> or <code>ADMIN_READ_TOKEN</code>.{' '}
          <button type="button" className="link" onClick={focusToken}>Enter one of those tokens</button> at the top of the page;
          it is kept in this browser tab only.
        </>
      );
      break;
    case 'forbidden':
      title = 'This token may read but not change';
      help = <>Changes need a token from <code>ADMIN_TOKEN</code>; the one entered is a read-only token.</>;
      break;
    case 'not-found':
      title = 'Not found';
      help = <>It may have been evicted, expired or flushed. Go back to the <a href="#/">overview</a>.</>;
      break;
    case 'invalid':
      title = 'The server refused the request';
      help = null;
      break;
    case 'server':
      title = 'The server failed';
      help = <>The semcache log has the details.</>;
      break;
  }
  return (
    <div className="notice error" role="alert">
      <h2>{title}</h2>
      <p>{error.message}</p>
      {help !== null && <p className="small">{help}</p>}
      {retry && <button type="button" onClick={retry}>Try again</button>}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="empty">
      <h2>{title}</h2>
      {children}
    </div>
  );
}
