import assert from 'node:assert/strict';
import { it } from 'node:test';
import { EmbedWorker } from './embed-worker.ts';
import { EmbedderError } from './embedder.ts';

const CRASHING = new URL('./testdata/crash-on-demand-worker.ts', import.meta.url);
const setup = { source: { kind: 'dir', dir: '/nowhere' }, threads: 1, maxTokens: 8, dimensions: 2, tokenOutput: undefined, lengthRuns: true } as const;

it('answers each batch from the worker thread', async () => {
  const w = new EmbedWorker(CRASHING, setup);
  try {
    assert.equal(await w.start(), 2);
    const [a, b] = await w.run(['abc', 'hello']);
    assert.deepEqual([...a!], [3, 1]);
    assert.deepEqual([...b!], [5, 1]);
  } finally {
    await w.close();
  }
});

it('a worker crash rejects the batches in flight as unavailable, and the next batch gets a new worker', async () => {
  const w = new EmbedWorker(CRASHING, setup);
  try {
    await w.start();
    const crashed = w.run(['crash']);
    const alongside = w.run(['sent to the same worker']);
    for (const p of [crashed, alongside]) {
      await assert.rejects(p, (err: unknown) => err instanceof EmbedderError && err.kind === 'unavailable' && /exited with code 3/.test(err.message));
    }
    const [v] = await w.run(['again']);
    assert.deepEqual([...v!], [5, 1]);
  } finally {
    await w.close();
  }
});

it('a worker that cannot start rejects start() with its reason and run() as unavailable', async () => {
  const w = new EmbedWorker(new URL('./testdata/no-such-worker.ts', import.meta.url), setup);
  try {
    await assert.rejects(w.start(), /no-such-worker/);
    await assert.rejects(w.run(['x']), (err: unknown) => err instanceof EmbedderError && err.kind === 'unavailable');
  } finally {
    await w.close();
  }
});

it('after close, run() rejects as unavailable', async () => {
  const w = new EmbedWorker(CRASHING, setup);
  await w.start();
  await w.close();
  await assert.rejects(w.run(['x']), (err: unknown) => err instanceof EmbedderError && err.kind === 'unavailable');
});
