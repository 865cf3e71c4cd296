import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiError, LookupEvent, LookupList } from '@semcache/shared';
import { lookupEvent } from '../testing/lookup-events.ts';
import { ADMIN_TOKEN, READ_TOKEN, testApp } from '../testing/test-app.ts';

/** Reads the stream until `count` events named `lookup` have arrived. */
async function readEvents(reader: ReadableStreamDefaultReader<Uint8Array>, count: number): Promise<LookupEvent[]> {
  const decoder = new TextDecoder();
  let text = '';
  const events: LookupEvent[] = [];
  while (events.length < count) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = text.indexOf('\n\n')) >= 0) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      if (!block.startsWith('event: lookup')) continue;
      const data = block.split('\n').find((l) => l.startsWith('data: '))!.slice(6);
      events.push(JSON.parse(data) as LookupEvent);
    }
  }
  return events;
}

describe('lookups routes', () => {
  it('lists recent lookups newest first, filtered by namespace and outcome', async () => {
    const t = testApp();
    const a = lookupEvent({ namespace: 'gpt-test', outcome: 'miss' });
    const b = lookupEvent({ namespace: 'gpt-test', outcome: 'semantic' });
    const c = lookupEvent({ namespace: 'other', outcome: 'miss' });
    for (const e of [a, b, c]) t.admin.record(e);
    const all = (await (await t.call('GET', '/api/lookups')).json()) as LookupList;
    assert.deepEqual(all.items.map((e) => e.id), [c.id, b.id, a.id]);
    const misses = (await (await t.call('GET', '/api/lookups?namespace=gpt-test&outcome=miss')).json()) as LookupList;
    assert.deepEqual(misses.items.map((e) => e.id), [a.id]);
    const limited = (await (await t.call('GET', '/api/lookups?limit=1')).json()) as LookupList;
    assert.deepEqual(limited.items.map((e) => e.id), [c.id]);
  });

  it('refuses an unknown outcome with 400 naming it', async () => {
    const res = await testApp().call('GET', '/api/lookups?outcome=maybe');
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as ApiError).error.field, 'outcome');
  });

  it('streams new matching lookups as server-sent events and lets go when the client leaves', async () => {
    const t = testApp();
    const res = await t.call('GET', '/api/lookups/stream?namespace=gpt-test', { token: READ_TOKEN });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const reader = res.body!.getReader();
    assert.equal(t.admin.listenerCount, 1);
    const skipped = lookupEvent({ namespace: 'other' });
    const first = lookupEvent({ namespace: 'gpt-test', outcome: 'miss' });
    const second = lookupEvent({ namespace: 'gpt-test', outcome: 'exact' });
    for (const e of [skipped, first, second]) t.admin.record(e);
    const events = await readEvents(reader, 2);
    assert.deepEqual(events.map((e) => e.id), [first.id, second.id]);
    assert.deepEqual(events[0], first);
    await reader.cancel();
    assert.equal(t.admin.listenerCount, 0);
  });

  it('ends open streams on shutdown', async () => {
    const shutdown = new AbortController();
    const t = testApp(undefined, { shutdown: shutdown.signal });
    const res = await t.call('GET', '/api/lookups/stream', { token: ADMIN_TOKEN });
    const reader = res.body!.getReader();
    shutdown.abort();
    assert.deepEqual(await readEvents(reader, 1), []);
    assert.equal(t.admin.listenerCount, 0);
  });

  it('needs a token for the stream too', async () => {
    const t = testApp();
    assert.equal((await t.call('GET', '/api/lookups/stream', { token: null })).status, 401);
    assert.equal(t.admin.listenerCount, 0);
  });
});
