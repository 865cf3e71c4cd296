import type { ReactNode } from 'react';
import { routeHref, type Route } from '../logic/route.ts';

type Tab = 'namespace' | 'near-misses' | 'entries' | 'invalidate';

/** The heading and tabs shared by the screens of one namespace. */
export function NamespaceTabs({ namespace, current, children }: { namespace: string; current: Tab; children?: ReactNode }) {
  const tab = (screen: Tab, label: string) => {
    const route: Route = { screen, namespace };
    return <a href={routeHref(route)} aria-current={current === screen ? 'page' : undefined}>{label}</a>;
  };
  return (
    <>
      <div className="page-head">
        <h1><span className="muted small">namespace</span> {namespace}</h1>
        {children}
      </div>
      <nav className="tabs" aria-label="Namespace">
        {tab('namespace', 'Threshold & settings')}
        {tab('near-misses', 'Near misses')}
        {tab('entries', 'Entries')}
        {tab('invalidate', 'Invalidate')}
      </nav>
    </>
  );
}
