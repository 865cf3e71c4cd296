import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { UpstreamReply } from '@semcache/testkit';
import { json, startHarness, type Harness } from './harness.ts';

/** Holds every upstream call until `open()`, so a test decides when the model answers. */
function gateUpstream(h: Harness, reply?: () => UpstreamReply): { open: () => void } {
  let open = (): void => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  h.upstream.handler = async (call) => {
    await gate;
    return reply ? reply() : h.upstream.answer(call);
  };
  return { open };
}

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

async function metric(h: Harness, name: string): Promise<string> {
  const text = await (await fetch(`http://127.0.0.1:${h.server.httpPort}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(name)).join('\n');
}

describe('one model call per burst (real server)', () => {
  it('50 identical concurrent requests: the model is called once and all 50 get its answer', async () => {
    const h = await startHarness({ 'singleflight.waitMs': 20_000 });
    try {
      const gate = gateUpstream(h);
      const replies = Array.from({ length: 50 }, () => h.chat('What is the rate limit of the free plan?'));
      await until('49 requests wait for the first, which is at the model', () => h.server.burst.waiting === 49 && h.upstream.calls.length === 1);
      gate.open();
      const all = await Promise.all(replies);
      assert.equal(h.upstream.calls.length, 1);
      const answer = json(all.find((r) => r.source === 'upstream')!.body);
      assert.equal(all.filter((r) => r.source === 'upstream').length, 1);
      for (const r of all) {
        assert.equal(r.status, 200);
        assert.deepEqual(json(r.body), answer);
      }
      assert.equal(all.filter((r) => r.headers['x-semantic-cache'] === 'hit-exact').length, 49);
      assert.match(await metric(h, 'semcache_singleflight_waiters_total'), /outcome="answered"\} 49/);
      assert.match(await metric(h, 'semcache_singleflight_calls_saved_total'), /total 49/);
      assert.equal(h.server.burst.inFlight, 0);
    } finally {
      await h.close();
    }
  });

  it('an uncacheable answer lets the waiters go on to the model', async () => {
    const h = await startHarness({ 'singleflight.waitMs': 20_000 });
    try {
      let n = 0;
      const gate = gateUpstream(h, () => (n++ === 0 ? { status: 500, body: { error: { message: 'overloaded' } } } : { body: { ok: n } }));
      const replies = Array.from({ length: 5 }, () => h.chat('Summarise my invoice'));
      await until('4 requests wait', () => h.server.burst.waiting === 4 && h.upstream.calls.length === 1);
      gate.open();
      const all = await Promise.all(replies);
      assert.equal(h.upstream.calls.length, 5, 'each waiter asked the model itself');
      assert.equal(all.filter((r) => r.status === 500).length, 1, 'only the first got the error');
      assert.match(await metric(h, 'semcache_singleflight_waiters_total'), /outcome="not-stored"\} 4/);
    } finally {
      await h.close();
    }
  });

  it('past the wait limit the waiters go on to the model', async () => {
    const h = await startHarness({ 'singleflight.waitMs': 50 });
    try {
      const gate = gateUpstream(h);
      const replies = Array.from({ length: 3 }, () => h.chat('A slow question for the model'));
      await until('all three reached the model', () => h.upstream.calls.length === 3);
      gate.open();
      for (const r of await Promise.all(replies)) assert.equal(r.status, 200);
      assert.match(await metric(h, 'semcache_singleflight_waiters_total'), /outcome="timeout"\} 2/);
    } finally {
      await h.close();
    }
  });

  it('only identical requests wait: another prompt, tenant or context goes its own way; 0 turns it off', async () => {
    const h = await startHarness({ tenantHeader: 'x-tenant', 'singleflight.waitMs': 20_000 });
    try {
      const gate = gateUpstream(h);
      const replies = [
        h.chat('Where is my order?', {}, { headers: { 'x-tenant': 'a' } }),
        h.chat('Where is my order?', {}, { headers: { 'x-tenant': 'b' } }),
        h.chat('Where is my order?', { temperature: 1 }, { headers: { 'x-tenant': 'a' } }),
        h.chat('Where is my parcel?', {}, { headers: { 'x-tenant': 'a' } }),
      ];
      await until('four calls reached the model', () => h.upstream.calls.length === 4);
      assert.equal(h.server.burst.waiting, 0);
      gate.open();
      await Promise.all(replies);
    } finally {
      await h.close();
    }
    const off = await startHarness({ 'singleflight.waitMs': 0 });
    try {
      const gate = gateUpstream(off);
      const replies = Array.from({ length: 3 }, () => off.chat('Same question, no coalescing'));
      await until('all three reached the model', () => off.upstream.calls.length === 3);
      gate.open();
      await Promise.all(replies);
    } finally {
      await off.close();
    }
  });
});
