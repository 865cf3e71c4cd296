import { useState, type FormEvent } from 'react';
import type { SettingsPatchRequest } from '@semcache/shared';
import { asApiError, type ApiError } from '../api/api-error.ts';
import { useApi } from './api-context.tsx';

export interface SettingsDraft<D> {
  draft: D;
  /** Changes part of the draft; "Saved." no longer applies to it. */
  edit(change: Partial<D>): void;
  reset(draft: D): void;
  /** Sends the patch as the namespace's settings change; `onSaved` tells the caller to reload. */
  save(e: FormEvent, patch: SettingsPatchRequest): Promise<void>;
  error: ApiError | null;
  saving: boolean;
  saved: boolean;
}

/** A form's draft of some of a namespace's settings, and the one request that saves what changed. */
export function useSettingsDraft<D>(namespace: string, initial: () => D, onSaved: () => void): SettingsDraft<D> {
  const { client } = useApi();
  const [draft, setDraft] = useState(initial);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  const save = async (e: FormEvent, patch: SettingsPatchRequest): Promise<void> => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await client.updateSettings(namespace, patch);
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setSaving(false);
    }
  };
  const edit = (change: Partial<D>): void => {
    setDraft((d) => ({ ...d, ...change }));
    setSaved(false);
  };

  return { draft, edit, reset: setDraft, save, error, saving, saved };
}
