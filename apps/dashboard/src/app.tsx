import { useCallback, useEffect, useMemo, useState } from 'react';
import { AdminClient } from './api/admin-client.ts';
import { sessionTokenStore } from './api/token-store.ts';
import { ApiContext, type ApiContextValue } from './components/api-context.tsx';
import { TokenBar } from './components/token-bar.tsx';
import { parseRoute, type Route } from './logic/route.ts';
import { EntriesScreen } from './screens/entries.tsx';
import { EntryScreen } from './screens/entry.tsx';
import { InvalidateScreen } from './screens/invalidate.tsx';
import { LiveScreen } from './screens/live.tsx';
import { NamespaceScreen } from './screens/namespace.tsx';
import { NearMissesScreen } from './screens/near-misses.tsx';
import { OverviewScreen } from './screens/overview.tsx';

/** The admin API sits beside the page (`/api` when the dashboard is at `/`), also behind a path prefix. */
const API_BASE = new URL('api', window.location.href.split('#')[0]).pathname;

function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = (): void => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

export function App() {
  const store = useMemo(() => sessionTokenStore(window.sessionStorage), []);
  const [token, setTokenState] = useState(store.get);
  const setToken = useCallback((t: string | null) => {
    store.set(t);
    setTokenState(store.get());
  }, [store]);
  const client = useMemo(() => new AdminClient({ baseUrl: API_BASE, token: store.get }), [store]);
  const api = useMemo<ApiContextValue>(() => ({ client, token, setToken }), [client, token, setToken]);
  const route = useHashRoute();

  useEffect(() => {
    document.title = `${titleOf(route)} · semcache`;
  }, [route]);

  return (
    <ApiContext.Provider value={api}>
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <header className="app-header">
        <a className="brand" href="#/">semcache <small>operator</small></a>
        <nav className="main-nav" aria-label="Main">
          <a href="#/" aria-current={route.screen === 'overview' ? 'page' : undefined}>Overview</a>
          <a href="#/live" aria-current={route.screen === 'live' ? 'page' : undefined}>Live lookups</a>
        </nav>
        <TokenBar />
      </header>
      {/* Keyed on the token so every screen reloads with the new credentials. */}
      <main id="main" tabIndex={-1} key={token ?? ''}>
        <Screen route={route} />
      </main>
    </ApiContext.Provider>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.screen) {
    case 'overview': return <OverviewScreen />;
    case 'live': return <LiveScreen />;
    case 'namespace': return <NamespaceScreen key={route.namespace} namespace={route.namespace} />;
    case 'near-misses': return <NearMissesScreen key={route.namespace} namespace={route.namespace} />;
    case 'entries': return <EntriesScreen key={route.namespace} namespace={route.namespace} />;
    case 'invalidate': return <InvalidateScreen key={route.namespace} namespace={route.namespace} />;
    case 'entry': return <EntryScreen key={`${route.namespace}/${route.id}`} namespace={route.namespace} id={route.id} />;
  }
}

function titleOf(route: Route): string {
  switch (route.screen) {
    case 'overview': return 'Overview';
    case 'live': return 'Live lookups';
    case 'namespace': return route.namespace;
    case 'near-misses': return `Near misses · ${route.namespace}`;
    case 'entries': return `Entries · ${route.namespace}`;
    case 'invalidate': return `Invalidate · ${route.namespace}`;
    case 'entry': return `Entry ${route.id} · ${route.namespace}`;
  }
}
