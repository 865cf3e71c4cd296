import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkEnsemble, ensembleLogit, TreeEnsembleSchema, type TreeEnsemble } from './tree-ensemble.ts';

/** Tree 1 splits feature 0 at 0.5, then feature 1 at 2 on the right; tree 2 is a single leaf. */
const model: TreeEnsemble = {
  base: -1,
  trees: [
    { feature: [0, -1, 1, -1, -1], threshold: [0.5, 0, 2, 0, 0], left: [1, 0, 3, 0, 0], right: [2, 0, 4, 0, 0], value: [0, -0.5, 0, 0.25, 1] },
    { feature: [-1], threshold: [0], left: [0], right: [0], value: [0.1] },
  ],
};

describe('tree ensemble', () => {
  it('walks each tree to its leaf (x < threshold goes left) and adds the leaves to the base', () => {
    assert.ok(Math.abs(ensembleLogit(model, Float64Array.of(0.2, 9)) - (-1 - 0.5 + 0.1)) < 1e-12);
    assert.ok(Math.abs(ensembleLogit(model, Float64Array.of(0.5, 1)) - (-1 + 0.25 + 0.1)) < 1e-12, 'a value equal to the threshold goes right');
    assert.ok(Math.abs(ensembleLogit(model, Float64Array.of(0.9, 2)) - (-1 + 1 + 0.1)) < 1e-12);
  });

  it('refuses trees whose arrays differ in length, that read a missing feature, or whose children point back', () => {
    assert.equal(TreeEnsembleSchema.safeParse({ base: 0, trees: [{ ...model.trees[1]!, value: [] }] }).success, false);
    assert.doesNotThrow(() => checkEnsemble(model, 2));
    assert.throws(() => checkEnsemble(model, 1), /reads feature 1 of 1/);
    const back = { ...model.trees[0]!, left: [1, 0, 0, 0, 0] };
    assert.throws(() => checkEnsemble({ base: 0, trees: [back] }, 2), /outside the tree/);
  });
});
