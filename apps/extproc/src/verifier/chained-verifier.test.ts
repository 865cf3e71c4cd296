import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChainedVerifier } from './chained-verifier.ts';
import type { Verifier, VerifierInput } from './verifier.ts';

const input: VerifierInput = { query: 'q', candidate: 'c', similarity: 0.9 };

function counting(id: string, score: number | (() => never)): Verifier & { calls: number } {
  const v = { id, tuned: null, calls: 0, score: () => { v.calls++; return typeof score === 'number' ? score : score(); } };
  return v;
}

describe('the learned classifier, then the cross-encoder on what it accepts', () => {
  it('a candidate the first stage refuses scores 0 and never reaches the second', async () => {
    const first = counting('first', 0.4);
    const second = counting('second', 0.9);
    assert.equal(await new ChainedVerifier(first, 0.5, second, null).score(input), 0);
    assert.equal(second.calls, 0);
  });

  it("one it accepts gets the second stage's score, and the second stage's failure stays a failure", async () => {
    const chain = new ChainedVerifier(counting('first', 0.6), 0.5, counting('second', 0.3), null);
    assert.equal(await chain.score(input), 0.3);
    assert.equal(chain.id, 'first+second');
    const failing = new ChainedVerifier(counting('first', 0.6), 0.5, counting('second', () => { throw new Error('crashed'); }), null);
    await assert.rejects(failing.score(input), /crashed/);
  });
});
