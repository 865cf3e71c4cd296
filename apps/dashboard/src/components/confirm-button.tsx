import { useRef, useState, type ReactNode } from 'react';
import { asApiError, type ApiError } from '../api/api-error.ts';
import { ErrorNotice } from './status.tsx';

interface Props {
  label: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm(): Promise<void>;
  disabled?: boolean;
}

/**
 * A destructive action behind a modal confirmation. The native <dialog> traps focus, closes on Escape and
 * returns focus to the button, so it is keyboard-usable without extra code.
 */
export function ConfirmButton({ label, title, children, confirmLabel, onConfirm, disabled }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const open = (): void => {
    setError(null);
    dialog.current?.showModal();
  };
  const confirm = async (): Promise<void> => {
    setBusy(true);
    try {
      await onConfirm();
      dialog.current?.close();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" className="danger" onClick={open} disabled={disabled}>{label}</button>
      <dialog ref={dialog} aria-labelledby={`${label}-title`.replace(/\W+/g, '-')}>
        <h2 id={`${label}-title`.replace(/\W+/g, '-')}>{title}</h2>
        <div>{children}</div>
        {error && <ErrorNotice error={error} />}
        <div className="actions">
          <button type="button" onClick={() => dialog.current?.close()} autoFocus>Cancel</button>
          <button type="button" className="danger solid" onClick={() => void confirm()} disabled={busy}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}
