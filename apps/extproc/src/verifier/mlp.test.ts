import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkMlp, mlpLogit, type Mlp } from './mlp.ts';

/** Two inputs, two units: unit 0 reads x0 - x1, unit 1 reads x1; the output adds 2 x unit 0 and -1 x unit 1. */
const model: Mlp = { mean: [1, 0], scale: [2, 1], hidden: [1, -1, 0, 1], hiddenBias: [0, 0.5], out: [2, -1], outBias: 0.25 };

test('a forward pass by hand: standardise, ReLU units, one logit', () => {
  // Standardised: [(3 - 1) / 2, 0.5] = [1, 0.5]; unit 0 = 0.5, unit 1 = 1; logit = 0.25 + 1 - 1.
  assert.equal(mlpLogit(model, Float64Array.from([3, 0.5])), 0.25);
  // Standardised [0, 2]: unit 0 = -2 is cut to 0 by the ReLU; unit 1 = 2.5.
  assert.equal(mlpLogit(model, Float64Array.from([1, 2])), 0.25 - 2.5);
});

test('the scratch row is reused, not read: the same input gives the same logit', () => {
  const scratch = new Float64Array(2).fill(99);
  assert.equal(mlpLogit(model, Float64Array.from([3, 0.5]), scratch), 0.25);
  assert.equal(mlpLogit(model, Float64Array.from([3, 0.5]), scratch), 0.25);
});

test('shapes that do not fit the input length are refused', () => {
  assert.doesNotThrow(() => checkMlp(model, 2));
  assert.throws(() => checkMlp(model, 3), /expected 3 means/);
  assert.throws(() => checkMlp({ ...model, hidden: [1, 2, 3] }, 2), /hidden weights/);
  assert.throws(() => checkMlp({ ...model, out: [1] }, 2), /output weights/);
});
