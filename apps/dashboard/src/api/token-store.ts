const KEY = 'semcache.adminToken';

/** The admin token lives in sessionStorage: gone when the tab closes, never sent anywhere but the API. */
export interface TokenStore {
  get(): string | null;
  set(token: string | null): void;
}

export function sessionTokenStore(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>): TokenStore {
  return {
    get: () => storage.getItem(KEY),
    set(token) {
      const trimmed = token?.trim() ?? '';
      if (trimmed === '') storage.removeItem(KEY);
      else storage.setItem(KEY, trimmed);
    },
  };
}
