import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { routeIdentity } from './route-identity.ts';

const headers = (h: Record<string, string>) => new Map(Object.entries(h));
const CHAT = '/v1/chat/completions';
const config = (c: Partial<{ path: boolean; authority: boolean; headers: string[] }>) => ({ path: true, authority: false, headers: [], ...c });

describe('route identity', () => {
  it('is null for the plain path, so the usual namespace names stay', () => {
    assert.equal(routeIdentity(headers({ ':path': CHAT }), CHAT, config({})), null);
    assert.equal(routeIdentity(headers({ ':path': `${CHAT}/` }), CHAT, config({})), null);
    assert.equal(routeIdentity(headers({ ':path': `/openai${CHAT}?x=1` }), CHAT, config({ path: false })), null);
  });

  it('names the prefix and the query string, not a fragment', () => {
    assert.equal(routeIdentity(headers({ ':path': `/openai${CHAT}` }), CHAT, config({})), '/openai');
    assert.equal(routeIdentity(headers({ ':path': `${CHAT}?api-version=2#top` }), CHAT, config({})), '?api-version=2');
    assert.equal(routeIdentity(headers({ ':path': `${CHAT}#top` }), CHAT, config({})), null);
  });

  it('adds the host and selected headers, absent ones distinct from empty ones, and escapes the separator', () => {
    const c = config({ authority: true, headers: ['api-version'] });
    assert.equal(routeIdentity(headers({ ':path': CHAT, ':authority': 'A.example:8080', 'api-version': '1' }), CHAT, c), '//a.example:8080 api-version=1');
    assert.equal(routeIdentity(headers({ ':path': CHAT, ':authority': 'a' }), CHAT, c), '//a api-version');
    assert.equal(routeIdentity(headers({ ':path': CHAT, ':authority': 'a', 'api-version': '' }), CHAT, c), '//a api-version=');
    assert.notEqual(
      routeIdentity(headers({ ':path': CHAT, ':authority': 'a api-version=1' }), CHAT, c),
      routeIdentity(headers({ ':path': CHAT, ':authority': 'a', 'api-version': '1' }), CHAT, c),
    );
  });
});
