import assert from 'node:assert/strict';
import { it } from 'node:test';
import { planRuns } from './length-runs.ts';

it('every prompt is in exactly one run, each run in ascending length', () => {
  const lengths = [40, 9, 12, 9, 80, 11, 38, 10];
  const runs = planRuns(lengths, 30);
  assert.deepEqual(runs.flat().sort((a, b) => a - b), lengths.map((_, i) => i));
  for (const run of runs) for (let i = 1; i < run.length; i++) assert.ok(lengths[run[i - 1]!]! <= lengths[run[i]!]!);
});

it('short prompts are not padded to a long one when a run costs less than the padding', () => {
  assert.deepEqual(planRuns([9, 120, 10, 9], 30), [[0, 3, 2], [1]]);
});

it('similar lengths share one run: a second run would cost more than the padding it saves', () => {
  assert.deepEqual(planRuns([10, 12, 11, 14], 30), [[0, 2, 1, 3]]);
});

it('one prompt, or none', () => {
  assert.deepEqual(planRuns([7], 30), [[0]]);
  assert.deepEqual(planRuns([], 30), []);
});
