import { useEffect, useState } from 'react';
import type { ImportProgress } from '@semcache/shared';
import { asApiError, type ApiError } from '../api/api-error.ts';
import { useApi } from './api-context.tsx';

/** How often the import list is asked for: quick while one runs, slow otherwise (one may start elsewhere). */
const RUNNING_POLL_MS = 500;
const IDLE_POLL_MS = 3000;

/** The server's imports (of one namespace, or all), polled: the counts of one that runs move as it reads. */
export function useImports(namespace: string | undefined, uploading: boolean): { items: ImportProgress[]; error: ApiError | null } {
  const { client } = useApi();
  const [items, setItems] = useState<ImportProgress[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const running = uploading || items.some((p) => p.state === 'running');

  useEffect(() => {
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = (): void => {
      client.imports(namespace, ctl.signal).then(
        (list) => {
          setItems(list);
          setError(null);
        },
        (err: unknown) => {
          if (!ctl.signal.aborted) setError(asApiError(err));
        },
      ).finally(() => {
        if (!ctl.signal.aborted) timer = setTimeout(poll, running ? RUNNING_POLL_MS : IDLE_POLL_MS);
      });
    };
    poll();
    return () => {
      ctl.abort();
      clearTimeout(timer);
    };
  }, [client, namespace, running]);

  return { items, error };
}
