import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAllowedHost } from './host-guard.ts';

describe('isAllowedHost', () => {
  it('takes localhost names and IP literals, with or without a port', () => {
    for (const h of ['localhost', 'localhost:8080', 'dash.localhost:8080', '127.0.0.1:8080', '[::1]:8080', '10.1.2.3:8080', 'LOCALHOST']) {
      assert.ok(isAllowedHost(h, []), h);
    }
  });

  it('refuses any other name, a missing Host and malformed ones', () => {
    for (const h of [undefined, '', 'attacker.example', 'attacker.example:8080', 'localhost.attacker.example', 'a b', '127.0.0.1@evil']) {
      assert.ok(!isAllowedHost(h, []), String(h));
    }
  });

  it('takes listed names, a leading dot for subdomains, and * for any', () => {
    assert.ok(isAllowedHost('semcache.semcache.svc:8080', ['semcache.semcache.svc']));
    assert.ok(isAllowedHost('a.ops.example.com', ['.ops.example.com']));
    assert.ok(!isAllowedHost('ops.example.com.evil', ['.ops.example.com']));
    assert.ok(isAllowedHost('anything.example', ['*']));
  });
});
