import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MicroBatcher } from './micro-batcher.ts';

function recording(maxBatch: number, windowMs = 5) {
  const runs: number[][] = [];
  const batcher = new MicroBatcher<number, number>({
    windowMs,
    maxBatch,
    run: async (items) => {
      runs.push(items);
      await new Promise((r) => setTimeout(r, 10));
      return items.map((x) => x * 10);
    },
  });
  return { runs, batcher };
}

it('gathers concurrent calls into one run and answers each with its own results', async () => {
  const { runs, batcher } = recording(32);
  const out = await Promise.all([batcher.submit([1]), batcher.submit([2, 3]), batcher.submit([4])]);
  assert.deepEqual(out, [[10], [20, 30], [40]]);
  assert.deepEqual(runs, [[1, 2, 3, 4]]);
});

it('never puts more than maxBatch items in a run, and runs one batch at a time', async () => {
  const { runs, batcher } = recording(3);
  const out = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((x) => batcher.submit([x])));
  assert.deepEqual(out.flat(), [10, 20, 30, 40, 50, 60, 70]);
  assert.deepEqual(runs, [[1, 2, 3], [4, 5, 6], [7]]);
});

it('a failed run rejects the calls in it, and the next calls still run', async () => {
  let fail = true;
  const batcher = new MicroBatcher<number, number>({
    windowMs: 1,
    maxBatch: 8,
    run: async (items) => {
      if (fail) throw new Error('model broke');
      return items;
    },
  });
  await assert.rejects(Promise.all([batcher.submit([1]), batcher.submit([2])]), /model broke/);
  fail = false;
  assert.deepEqual(await batcher.submit([3]), [3]);
});

it('a run that returns the wrong number of results is an error, not a misattributed answer', async () => {
  const batcher = new MicroBatcher<number, number>({ windowMs: 0, maxBatch: 8, run: async () => [1] });
  await assert.rejects(batcher.submit([1, 2]), /batch of 2 returned 1 results/);
});

it('adaptive: a lone caller runs at once; after a shared run the window gathers company again', async () => {
  const runs: number[][] = [];
  const batcher = new MicroBatcher<number, number>({
    windowMs: 5,
    adaptive: true,
    maxBatch: 8,
    run: async (items) => {
      runs.push(items);
      await new Promise((r) => setTimeout(r, 10));
      return items;
    },
  });
  const first = batcher.submit([1]);
  assert.deepEqual(runs, [[1]], 'nothing ran before, so the first call does not wait for the window');
  await Promise.all([first, batcher.submit([2]), batcher.submit([3])]);
  assert.deepEqual(runs, [[1], [2, 3]]);

  const fourth = batcher.submit([4]);
  assert.equal(runs.length, 2, 'the last run was shared: the next call waits for company');
  await Promise.all([fourth, batcher.submit([5])]);
  assert.deepEqual(runs, [[1], [2, 3], [4, 5]]);

  await batcher.submit([6]);
  assert.deepEqual(runs.at(-1), [6]);
  // The run's bookkeeping settles after its callers' answers.
  await new Promise(setImmediate);
  const seventh = batcher.submit([7]);
  assert.deepEqual(runs.at(-1), [7], 'after a lone run, a lone call runs at once again');
  await seventh;
});

it('maxRunning 2: two batches run side by side, a third waits for one of them', async () => {
  let running = 0;
  let most = 0;
  const runs: number[][] = [];
  const batcher = new MicroBatcher<number, number>({
    windowMs: 0,
    maxBatch: 2,
    maxRunning: 2,
    run: async (items) => {
      runs.push(items);
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
      return items.map((x) => x + 1);
    },
  });
  const out = await Promise.all([1, 2, 3, 4, 5, 6].map((x) => batcher.submit([x])));
  assert.deepEqual(out.flat(), [2, 3, 4, 5, 6, 7]);
  assert.equal(most, 2);
  assert.deepEqual(runs, [[1], [2], [3, 4], [5, 6]]);
});
