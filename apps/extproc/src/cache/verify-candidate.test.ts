import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Verifier } from '../verifier/verifier.ts';
import { runVerifier } from './verify-candidate.ts';

const input = { query: 'How do I enable 2FA?', candidate: 'How do I turn on 2FA?', similarity: 0.9 };
const verifier = (score: Verifier['score']): Verifier => ({ id: 'test', tuned: null, score });

test('a score at or above the threshold accepts, below refuses, both with the score', async () => {
  assert.deepEqual(await runVerifier(verifier(() => 0.7), input, 0.7, 50), { accept: true, verifier: 'test', score: 0.7, reason: null, fallback: null });
  assert.deepEqual(await runVerifier(verifier(() => 0.69), input, 0.7, 50), { accept: false, verifier: 'test', score: 0.69, reason: 'verifier-refused', fallback: null });
  assert.equal((await runVerifier(verifier(async () => 0.9), input, 0.7, 50)).accept, true, 'an asynchronous verifier is awaited');
});

test("a fallback stage's score is judged the same, and the verdict says which fallback gave it", async () => {
  assert.deepEqual(await runVerifier(verifier(async () => ({ score: 0.8, fallback: 'cross-encoder-busy' })), input, 0.7, 50),
    { accept: true, verifier: 'test', score: 0.8, reason: null, fallback: 'cross-encoder-busy' });
  assert.deepEqual(await runVerifier(verifier(() => ({ score: 0.2, fallback: 'cross-encoder-slow' })), input, 0.7, 50),
    { accept: false, verifier: 'test', score: 0.2, reason: 'verifier-refused', fallback: 'cross-encoder-slow' });
  assert.equal((await runVerifier(verifier(() => ({ score: Number.NaN, fallback: 'x' })), input, 0.1, 50)).reason, 'verifier-failed');
});

test('a throw, a rejection, NaN or a non-number refuses the candidate as a failure', async () => {
  const failing: Verifier['score'][] = [
    () => { throw new Error('model crashed'); },
    () => Promise.reject(new Error('worker died')),
    () => Number.NaN,
    () => 'yes' as unknown as number,
  ];
  for (const score of failing) {
    assert.deepEqual(await runVerifier(verifier(score), input, 0.1, 50), { accept: false, verifier: 'test', score: null, reason: 'verifier-failed', fallback: null });
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
