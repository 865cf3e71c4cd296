import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRoute, routeHref, type Route } from './route.ts';

describe('hash routes', () => {
  it('round-trips every screen, including namespace names with / | : and spaces', () => {
    const routes: Route[] = [
      { screen: 'overview' },
      { screen: 'live' },
      { screen: 'namespace', namespace: 'meta-llama/Llama-3.1-8B|team a' },
      { screen: 'near-misses', namespace: 'gpt:4o' },
      { screen: 'entries', namespace: 'llama' },
      { screen: 'invalidate', namespace: 'llama|team a' },
      { screen: 'entry', namespace: 'llama', id: '00ff00ff00ff00ff' },
    ];
    for (const r of routes) assert.deepEqual(parseRoute(routeHref(r)), r);
  });

  it('falls back to the overview for empty, unknown or malformed hashes', () => {
    for (const hash of ['', '#', '#/', '#/nope', '#/ns', '#/ns/a/what', '#/ns/a/entries/b/c', '#/live/x']) {
      assert.deepEqual(parseRoute(hash), { screen: 'overview' }, hash);
    }
  });

  it('keeps a malformed percent escape as typed rather than throwing', () => {
    assert.deepEqual(parseRoute('#/ns/50%'), { screen: 'namespace', namespace: '50%' });
  });
});
