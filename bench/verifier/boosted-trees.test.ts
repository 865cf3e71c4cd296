import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ensembleLogit } from '../../apps/extproc/src/verifier/tree-ensemble.ts';
import { fitBoostedTrees } from './boosted-trees.ts';

/** A label no single linear cut separates: positive where exactly one of two features is above 0.5 (XOR). */
function xorData(n: number, seed: number): { xs: Float64Array[]; ys: number[] } {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const xs: Float64Array[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = Float64Array.of(rand(), rand(), rand());
    xs.push(x);
    ys.push(Number((x[0]! > 0.5) !== (x[1]! > 0.5)));
  }
  return { xs, ys };
}

describe('fitBoostedTrees', () => {
  it('learns an interaction a linear model cannot, and holds it on pairs it never saw', () => {
    const train = xorData(2000, 1);
    const test = xorData(1000, 7);
    const model = fitBoostedTrees(train.xs, train.ys, { trees: 60, depth: 3 });
    const correct = test.xs.filter((x, i) => (ensembleLogit(model, x) > 0) === (test.ys[i] === 1)).length;
    assert.ok(correct / test.xs.length > 0.95, `accuracy ${correct / test.xs.length}`);
  });

  it('starts from the base rate and splits on the features that carry the signal', () => {
    const { xs, ys } = xorData(2000, 3);
    const model = fitBoostedTrees(xs, ys, { trees: 20, depth: 2 });
    const positives = ys.filter((y) => y === 1).length;
    assert.ok(Math.abs(model.base - Math.log(positives / (ys.length - positives))) < 1e-12);
    const used = new Set(model.trees.flatMap((t) => t.feature.filter((f) => f >= 0)));
    assert.ok(used.has(0) && used.has(1));
  });
});
