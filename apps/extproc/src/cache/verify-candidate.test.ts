import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Verifier } from '../verifier/verifier.ts';
import { runVerifier } from './verify-candidate.ts';

const input = { query: 'How do I enable 2FA?', candidate: 'How do I turn on 2FA?', similarity: 0.9 };
const verifier = (score: Verifier['score']): Verifier => ({ id: 'test', tuned: null, score });

test('a score at or above the threshold accepts, below refuses, both with the score', async () => {
  assert.deepEqual(await runVerifier(verifier(() => 0.7), input, 0.7, 50), { accept: true, verifier: 'test', score: 0.7, reason: null });
  assert.deepEqual(await runVerifier(verifier(() => 0.69), input, 0.7, 50), { accept: false, verifier: 'test', score: 0.69, reason: 'verifier-refused' });
  assert.equal((await runVerifier(verifier(async () => 0.9), input, 0.7, 50)).accept, true, 'an asynchronous verifier is awaited');
});

test('a throw, a rejection, NaN or a non-number refuses the candidate as a failure', async () => {
  const failing: Verifier['score'][] = [
    () => { throw new Error('model crashed'); },
    () => Promise.reject(new Error('worker died')),
    () => Number.NaN,
    () => 'yes' as unknown as number,
  ];
  for (const score of failing) {
    assert.deepEqual(await runVerifier(verifier(score), input, 0.1, 50), { accept: false, verifier: 'test', score: null, reason: 'verifier-failed' });
  }
});

test('a verdict slower than the timeout refuses the candidate, and the timer does not outlive it', async () => {
  const started = performance.now();
  const slow = verifier(() => new Promise((resolve) => setTimeout(() => resolve(1), 2_000).unref()));
  const verdict = await runVerifier(slow, input, 0.1, 30);
  assert.equal(verdict.reason, 'verifier-timeout');
  assert.equal(verdict.accept, false);
  assert.ok(performance.now() - started < 1_000);
});
