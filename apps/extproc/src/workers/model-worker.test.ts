import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ModelWorker } from './model-worker.ts';
import type { EchoReply, EchoRequest } from './testdata/echo-protocol.ts';

const ECHO = new URL('./testdata/echo-worker.ts', import.meta.url);
const echo = (setup: string, opts: { stallMs?: number; closeGraceMs?: number } = {}) =>
  new ModelWorker<EchoRequest, EchoReply>(ECHO, setup, { name: 'echo worker', ...opts });

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

it('a request past stallMs is refused at once, and the next request gets a fresh worker while the slow one finishes', async () => {
  const w = echo('x', { stallMs: 100 });
  try {
    const t0 = performance.now();
    await assert.rejects(w.request({ text: 'slow' }), /echo worker: a request ran longer than 100 ms/);
    assert.ok(performance.now() - t0 < 290, 'refused at the stall, not when the run ends');
    assert.equal((await w.request({ text: 'after' })).type, 'echo');
    await assert.rejects(w.request({ text: 'hang' }), /ran longer than 100 ms/);
    assert.equal((await w.request({ text: 'again' })).type, 'echo');
  } finally {
    await w.close();
  }
});

// Ending a thread in the middle of a native model run aborts the whole process: close() waits for the run.
it('close() lets a request in flight finish, then ends the thread', async () => {
  const w = echo('x');
  await w.start();
  const inFlight = w.request({ text: 'slow' });
  await new Promise((r) => setTimeout(r, 50));
  await w.close();
  assert.deepEqual(await inFlight, { type: 'echo', id: 0, text: 'slow' });
});

it('close() ends a thread that never answers once closeGraceMs have passed', async () => {
  const w = echo('x', { closeGraceMs: 100 });
  await w.start();
  const inFlight = w.request({ text: 'hang' });
  await new Promise((r) => setTimeout(r, 50));
  const t0 = performance.now();
  await w.close();
  assert.ok(performance.now() - t0 >= 40, 'waited for the grace period');
  await assert.rejects(inFlight, /echo worker exited with code 1/);
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
