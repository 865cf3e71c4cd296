/** What went wrong talking to the admin API, in the terms an operator acts on. */
export type ApiErrorKind = 'down' | 'unauthorized' | 'forbidden' | 'not-found' | 'invalid' | 'server';

export class ApiError extends Error {
  override name = 'ApiError';
  readonly kind: ApiErrorKind;
  readonly status: number | null;

  constructor(kind: ApiErrorKind, message: string, status: number | null = null) {
    super(message);
    this.kind = kind;
    this.status = status;
  }
}

export function kindOfStatus(status: number): ApiErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  // A gateway in front of a stopped server answers for it: to the operator that is "down", not "broken".
  if (status === 502 || status === 503 || status === 504) return 'down';
  if (status >= 400 && status < 500) return 'invalid';
  return 'server';
}

/** The message of an error body (`{error: {message}}`, `{error: "..."}` or `{message}`), else the status text. */
export function messageOfBody(body: unknown, fallback: string): string {
  if (body && typeof body === 'object') {
    const b = body as { error?: unknown; message?: unknown };
    if (typeof b.error === 'string') return b.error;
    if (b.error && typeof b.error === 'object' && typeof (b.error as { message?: unknown }).message === 'string') {
      return (b.error as { message: string }).message;
    }
    if (typeof b.message === 'string') return b.message;
  }
  return fallback;
}

export const asApiError = (err: unknown): ApiError =>
  err instanceof ApiError ? err : new ApiError('server', err instanceof Error ? err.message : String(err));
