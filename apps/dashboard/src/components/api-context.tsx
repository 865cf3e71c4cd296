import { createContext, useContext } from 'react';
import type { AdminClient } from '../api/admin-client.ts';

export interface ApiContextValue {
  client: AdminClient;
  token: string | null;
  setToken(token: string | null): void;
}

export const ApiContext = createContext<ApiContextValue | null>(null);

export function useApi(): ApiContextValue {
  const value = useContext(ApiContext);
  if (value === null) throw new Error('useApi outside <ApiContext.Provider>');
  return value;
}
