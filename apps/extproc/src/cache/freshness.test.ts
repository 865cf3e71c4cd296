import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveFreshness, NO_FRESHNESS, parseCacheControl, parseTtl, youngEnough, type FreshnessRequest } from './freshness.ts';

const settings = (clientControls: 'off' | 'read-only' | 'all') => ({ clientControls, ttlSeconds: 3600, maxTtlSeconds: 86_400 });
const ask = (r: Partial<FreshnessRequest>): FreshnessRequest => ({ ...NO_FRESHNESS, ...r });

describe('parseCacheControl', () => {
  it('reads the directives a cache of answers can honour, in any case and spacing', () => {
    assert.deepEqual(parseCacheControl(' No-Store , max-age=30,ONLY-IF-CACHED'), { noStore: true, noCache: false, maxAgeSeconds: 30, onlyIfCached: true });
    assert.deepEqual(parseCacheControl('no-cache'), { noStore: false, noCache: true, maxAgeSeconds: null, onlyIfCached: false });
    assert.equal(parseCacheControl('max-age="12"').maxAgeSeconds, 12);
  });

  it('ignores unknown directives and malformed ages, and keeps the strictest of several max-age', () => {
    assert.deepEqual(parseCacheControl(undefined), parseCacheControl(''));
    assert.equal(parseCacheControl('max-age=-1, max-age=abc, max-age=').maxAgeSeconds, null);
    assert.equal(parseCacheControl('max-age=60, max-age=5').maxAgeSeconds, 5);
    assert.deepEqual(parseCacheControl('private, stale-while-revalidate=5'), parseCacheControl(''));
  });
});

describe('parseTtl', () => {
  it('takes whole seconds only', () => {
    assert.equal(parseTtl(' 120 '), 120);
    assert.equal(parseTtl('0'), 0);
    for (const bad of [undefined, '', '-5', '1.5', '10s', '99999999999']) assert.equal(parseTtl(bad), null, String(bad));
  });
});

describe('effectiveFreshness', () => {
  it('off ignores every control', () => {
    const f = effectiveFreshness('no-store', ask({ noCache: true, maxAgeSeconds: 1, onlyIfCached: true, ttlSeconds: 5 }), settings('off'));
    assert.deepEqual(f, { mode: 'normal', maxAgeSeconds: null, onlyIfCached: false, ttlSeconds: 3600, mayReplace: false });
  });

  it('read-only honours reads and no-store; its no-cache skips the lookup without storing', () => {
    const s = settings('read-only');
    assert.equal(effectiveFreshness('normal', ask({ noStore: true }), s).mode, 'no-store');
    assert.equal(effectiveFreshness('normal', ask({ noCache: true }), s).mode, 'bypass');
    const f = effectiveFreshness('normal', ask({ maxAgeSeconds: 10, onlyIfCached: true }), s);
    assert.equal(f.maxAgeSeconds, 10);
    assert.equal(f.onlyIfCached, true);
    assert.equal(f.mayReplace, false);
  });

  it('all: no-cache refreshes unless storing is also refused', () => {
    const s = settings('all');
    assert.equal(effectiveFreshness('normal', ask({ noCache: true }), s).mode, 'refresh');
    assert.equal(effectiveFreshness('normal', ask({ noCache: true, noStore: true }), s).mode, 'bypass');
    assert.equal(effectiveFreshness('refresh', ask({ noStore: true }), s).mode, 'bypass');
    assert.equal(effectiveFreshness('no-store', ask({ noStore: true }), s).mode, 'no-store');
    assert.equal(effectiveFreshness('normal', ask({}), s).mayReplace, true);
  });

  it('clamps the asked lifetime: read-only may only shorten it, all up to maxTtlSeconds; 0 stores nothing', () => {
    assert.equal(effectiveFreshness('normal', ask({ ttlSeconds: 60 }), settings('read-only')).ttlSeconds, 60);
    assert.equal(effectiveFreshness('normal', ask({ ttlSeconds: 7200 }), settings('read-only')).ttlSeconds, 3600);
    assert.equal(effectiveFreshness('normal', ask({ ttlSeconds: 7200 }), settings('all')).ttlSeconds, 7200);
    assert.equal(effectiveFreshness('normal', ask({ ttlSeconds: 10 ** 9 }), settings('all')).ttlSeconds, 86_400);
    assert.equal(effectiveFreshness('normal', ask({}), settings('all')).ttlSeconds, 3600);
    assert.equal(effectiveFreshness('normal', ask({ ttlSeconds: 0 }), settings('read-only')).mode, 'no-store');
  });
});

describe('youngEnough', () => {
  it('compares whole seconds of age, as the age header shows them', () => {
    assert.equal(youngEnough(0, 10_999, { maxAgeSeconds: 10 }), true);
    assert.equal(youngEnough(0, 11_000, { maxAgeSeconds: 10 }), false);
    assert.equal(youngEnough(0, 10 ** 12, { maxAgeSeconds: null }), true);
  });
});
