import { useEffect, useRef, useState } from 'react';
import type { LookupEvent, LookupOutcome } from '@semcache/shared';
import { asApiError, type ApiError } from '../api/api-error.ts';
import { useApi } from './api-context.tsx';

export interface StreamState {
  connected: boolean;
  error: ApiError | null;
}

const RETRY_MS = [1000, 2000, 5000, 10_000];

/**
 * Follows the live lookup stream, reconnecting with back-off when it drops. A refused token stops it: retrying
 * cannot fix that, and the error says what will.
 */
export function useLookupStream(
  query: { namespace?: string; outcome?: LookupOutcome },
  onLookup: (event: LookupEvent) => void,
  enabled = true,
): StreamState {
  const { client, token } = useApi();
  const [state, setState] = useState<StreamState>({ connected: false, error: null });
  const handler = useRef(onLookup);
  handler.current = onLookup;
  const { namespace, outcome } = query;

  useEffect(() => {
    if (!enabled) return;
    const ctl = new AbortController();
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = (): void => {
      client.streamLookups({ namespace, outcome }, (e) => handler.current(e), ctl.signal, () => {
        attempt = 0;
        setState({ connected: true, error: null });
      }).then(
        () => retry(null),
        (err: unknown) => retry(asApiError(err)),
      );
    };
    const retry = (error: ApiError | null): void => {
      if (ctl.signal.aborted) return;
      setState({ connected: false, error });
      if (error?.kind === 'unauthorized' || error?.kind === 'forbidden') return;
      timer = setTimeout(connect, RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]);
    };
    connect();
    return () => {
      ctl.abort();
      clearTimeout(timer);
      setState({ connected: false, error: null });
    };
  }, [client, token, namespace, outcome, enabled]);

  return state;
}
