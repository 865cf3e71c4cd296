import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ModelWorker } from './model-worker.ts';
import type { EchoReply, EchoRequest } from './testdata/echo-protocol.ts';

const ECHO = new URL('./testdata/echo-worker.ts', import.meta.url);
const echo = (setup: string, stallMs?: number) =>
  new ModelWorker<EchoRequest, EchoReply>(ECHO, setup, stallMs === undefined ? { name: 'echo worker' } : { name: 'echo worker', stallMs });

it('resolves start() with the ready message, and each request with its own reply, a failed one included', async () => {
  const w = echo('hello');
  try {
    assert.deepEqual(await w.start(), { type: 'ready', greeting: 'hello' });
    const replies = await Promise.all(['a', 'fail', 'b'].map((text) => w.request({ text })));
    assert.deepEqual(replies.map((r) => (r.type === 'echo' ? r.text : r.message)), ['a', 'cannot', 'b']);
  } finally {
    await w.close();
  }
});

it('a crash rejects every request in flight with the exit code, and the next request gets a fresh worker', async () => {
  const w = echo('x');
  try {
    const inFlight = [w.request({ text: 'hang' }), w.request({ text: 'crash' })];
    for (const p of inFlight) await assert.rejects(p, /echo worker exited with code 3/);
    assert.deepEqual(await w.request({ text: 'again' }), { type: 'echo', id: 2, text: 'again' });
  } finally {
    await w.close();
  }
});

it('a request past stallMs ends the worker, and the next request gets a fresh one', async () => {
  const w = echo('x', 100);
  try {
    await assert.rejects(w.request({ text: 'hang' }), /echo worker exited with code 1/);
    assert.equal((await w.request({ text: 'after' })).type, 'echo');
  } finally {
    await w.close();
  }
});

it("a model that does not load rejects start() and requests with the worker's reason", async () => {
  const w = echo('no-model');
  try {
    await assert.rejects(w.start(), /no model here/);
    await assert.rejects(w.request({ text: 'a' }), /no model here/);
  } finally {
    await w.close();
  }
});

it('reports closed once closed', async () => {
  const w = echo('x');
  await w.start();
  assert.equal(w.closed, false);
  await w.close();
  assert.equal(w.closed, true);
});
