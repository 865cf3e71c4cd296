import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NamespaceSettings, Observation } from '@semcache/shared';
import { learnBoundary, DEFAULT_BOUNDARY_PARAMS } from './boundary.ts';
import { MAX_OBSERVATIONS, mergeObservations, newObservations, OnlinePolicy, onlineFloor, seededRandom, withObservation, type OnlineDecision } from './online-policy.ts';

const T = 0.8;
const settings = (over: Partial<NamespaceSettings> = {}): NamespaceSettings => ({
  threshold: T, ttlSeconds: 60, maxEntries: 100, enabled: true, guard: true, clientControls: 'read-only', maxTtlSeconds: 600,
  online: true, errorBound: 0.02, maxExploreRate: 0.1, ...over,
});
const obs = (similarity: number, correct: boolean, time = 0): Observation => ({ similarity, correct, time });
const many = (n: number, similarity: number, correct: boolean): Observation[] => Array.from({ length: n }, (_, i) => obs(similarity, correct, i));

describe('learned boundary', () => {
  it('starts at the centre it is given and moves down with correct answers, up with a wrong one', () => {
    const prior = learnBoundary([], T, 0.02, DEFAULT_BOUNDARY_PARAMS);
    assert.ok(Math.abs(prior.mean - T) < 0.002, `prior mean ${prior.mean}`);
    assert.ok(prior.servesFrom > T, 'without observations it needs a margin above the centre to serve unchecked');
    const confirmed = learnBoundary(many(12, T - 0.01, true), T, 0.02, DEFAULT_BOUNDARY_PARAMS);
    assert.ok(confirmed.mean < prior.mean, `boundary after correct answers below the centre: ${confirmed.mean}`);
    assert.ok(confirmed.unsafeAt(T + 0.005) < prior.unsafeAt(T + 0.005));
    const refuted = learnBoundary([obs(T + 0.01, false)], T, 0.02, DEFAULT_BOUNDARY_PARAMS);
    assert.ok(refuted.mean > prior.mean + 0.003, `boundary after a wrong answer at ${T + 0.01}: ${refuted.mean}`);
    assert.ok(refuted.unsafeAt(T + 0.01) > prior.unsafeAt(T + 0.01));
    assert.equal(refuted.wrongUpTo, T + 0.01);
  });

  it('estimates a higher error and less safety at a lower similarity', () => {
    const b = learnBoundary(many(5, 0.85, true), T, 0.02, DEFAULT_BOUNDARY_PARAMS);
    assert.ok(b.errorAt(0.75) > b.errorAt(0.85));
    assert.ok(b.unsafeAt(0.75) > b.unsafeAt(0.85));
    assert.ok(b.unsafeAt(0.6) > 0.99 && b.unsafeAt(0.95) < 0.01);
  });
});

describe('online policy', () => {
  const decideMany = (policy: OnlinePolicy, similarity: number, n: number, s = settings(), o: Observation[] = []): OnlineDecision[] =>
    Array.from({ length: n }, () => policy.decide('ns', s, T, { observations: o, similarity }, true));
  /** Checks of the namespace from `lo` up, all correct: it learns a boundary at `lo`. */
  const learn = (policy: OnlinePolicy, lo: number, n = 400) => {
    for (let i = 0; i < n; i++) {
      const s = lo + (i % 80) * 0.0025;
      policy.decide('ns', settings({ maxExploreRate: 1 }), T, { observations: [], similarity: s }, true);
      policy.observed('ns', s, true);
    }
  };

  it('makes the same decisions with the same seed, and others with another', () => {
    const run = (seed: number) => {
      const policy = new OnlinePolicy({ random: seededRandom(seed) });
      learn(policy, T);
      return decideMany(policy, T + 0.05, 200, settings({ maxExploreRate: 1 })).map((d) => d.action).join(',');
    };
    assert.equal(run(7), run(7));
    assert.notEqual(run(7), run(8));
    assert.match(run(7), /serve/);
    assert.match(run(7), /explore/);
  });

  it('leaves the static threshold alone when off or without an error bound', () => {
    const policy = new OnlinePolicy({ random: seededRandom(1) });
    assert.deepEqual(policy.decide('ns', settings({ online: false }), T, { observations: [], similarity: 0.9 }, true), { action: 'static' });
    assert.deepEqual(policy.decide('ns', settings({ errorBound: undefined }), T, { observations: [], similarity: 0.9 }, true), { action: 'static' });
    assert.equal(onlineFloor(settings({ online: false }), T), T);
    assert.ok(onlineFloor(settings(), T) < T);
  });

  it('never explores a request whose answer would not be stored, and refuses it where the entry was seen wrong', () => {
    const policy = new OnlinePolicy({ random: seededRandom(1) });
    assert.deepEqual(policy.decide('ns', settings(), T, { observations: [], similarity: T + 0.001 }, false), { action: 'static' });
    assert.deepEqual(policy.decide('ns', settings(), T, { observations: [obs(0.9, false)], similarity: 0.9 }, false), { action: 'refuse' });
  });

  it('checks every would-be hit while the namespace learns, unless the entry itself was confirmed there', async () => {
    const policy = new OnlinePolicy({ random: seededRandom(3) });
    const near = decideMany(policy, T + 0.06, 20, settings({ maxExploreRate: 0 }));
    assert.ok(near.every((d) => d.action === 'explore' && d.costsHit), 'learning ignores the cap and the prior');
    const confirmed = decideMany(policy, T + 0.06, 200, settings(), many(3, T + 0.05, true)).filter((d) => d.action === 'serve').length;
    assert.ok(confirmed >= 190, `served ${confirmed} of 200 confirmed just below (the rest audited)`);
  });

  it('serves well above the threshold once the namespace has learned', () => {
    const policy = new OnlinePolicy({ random: seededRandom(9) });
    learn(policy, T);
    const far = decideMany(policy, T + 0.06, 200).filter((d) => d.action === 'serve').length;
    assert.ok(far >= 190, `served ${far} of 200`);
  });

  it('explores below the threshold for free, and serves there once the namespace has learned it may', () => {
    const policy = new OnlinePolicy({ random: seededRandom(4) });
    const s = T - 0.05;
    assert.deepEqual(policy.decide('ns', settings(), T, { observations: [], similarity: s }, true), { action: 'explore', costsHit: false });
    learn(policy, T - 0.1);
    assert.ok(policy.namespaceBoundary('ns', settings(), T) < s - 0.02, `namespace boundary ${policy.namespaceBoundary('ns', settings(), T)}`);
    const served = decideMany(policy, s, 100).filter((d) => d.action === 'serve').length;
    assert.ok(served >= 90, `served ${served} of 100 below the threshold`);
  });

  it('never serves at or below a similarity where the entry was seen wrong, even past the cap', () => {
    const policy = new OnlinePolicy({ random: seededRandom(5) });
    learn(policy, T - 0.1);
    const o = [...many(20, 0.95, true), obs(0.9, false, 99)];
    assert.ok(decideMany(policy, 0.9, 50, settings({ maxExploreRate: 0 }), o).every((d) => d.action === 'explore'));
    assert.ok(decideMany(policy, 0.96, 20, settings(), o).some((d) => d.action === 'serve'), 'higher up it still serves');
  });

  it('caps the explorations of would-be hits at the namespace rate once it has learned, then serves by the point estimate', () => {
    const policy = new OnlinePolicy({ random: seededRandom(6) });
    learn(policy, T);
    const center = policy.namespaceBoundary('ns', settings(), T);
    decideMany(policy, center + 0.004, 1000, settings({ maxExploreRate: 0.1 }));
    const stats = policy.stats('ns');
    const wouldBeHits = 1000 + 400;
    assert.ok(stats.explored <= 0.1 * wouldBeHits + 5, `explored ${stats.explored}`);
    assert.ok(stats.capped > 0, `capped ${stats.capped}`);
    assert.ok(Math.abs(stats.exploredShare - stats.explored / wouldBeHits) < 1e-9);
  });

  it('counts observed errors', () => {
    const policy = new OnlinePolicy();
    policy.observed('ns', 0.9, true);
    policy.observed('ns', 0.9, false);
    assert.equal(policy.stats('ns').observedErrorRate, 0.5);
  });
});

describe('observations', () => {
  it('keeps a wrong finding when the bound drops old ones', () => {
    let o: Observation[] = [obs(0.9, false, 0)];
    for (let i = 1; i <= MAX_OBSERVATIONS + 5; i++) o = withObservation(o, obs(0.95, true, i));
    assert.equal(o.length, MAX_OBSERVATIONS);
    assert.ok(o.some((x) => !x.correct));
  });

  it('merges two replicas\' findings once each', () => {
    const a = [obs(0.9, true, 1), obs(0.91, false, 2)];
    const b = [obs(0.9, true, 1), obs(0.92, true, 3)];
    assert.deepEqual(mergeObservations(a, b).map((x) => x.time), [1, 2, 3]);
  });
});

describe('findings made elsewhere', () => {
  it('end the learning phase of a namespace that never checked anything itself', () => {
    const policy = new OnlinePolicy({ random: seededRandom(10) });
    assert.equal(policy.learning('ns', T), true);
    policy.learnFrom('ns', Array.from({ length: 150 }, (_, i) => obs(T + (i % 60) * 0.003, true, i)));
    assert.equal(policy.learning('ns', T), false);
    assert.ok(policy.namespaceBoundary('ns', settings(), T) <= T + 0.01);
    assert.equal(policy.stats('ns').observations, 0, "this replica's own counters are its own");
  });

  it('are told apart from the ones already known', () => {
    const known = [obs(0.9, true, 1)];
    assert.deepEqual(newObservations(known, [obs(0.9, true, 1), obs(0.91, false, 2)]), [obs(0.91, false, 2)]);
  });
});
