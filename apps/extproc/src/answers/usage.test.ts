import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readUsage } from './usage.ts';

describe('readUsage', () => {
  it('reads the OpenAI figures and derives what is left out', () => {
    assert.deepEqual(readUsage({ prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 }), { promptTokens: 12, completionTokens: 30, totalTokens: 42 });
    assert.deepEqual(readUsage({ prompt_tokens: 12 }), { promptTokens: 12, completionTokens: 0, totalTokens: 12 });
    assert.deepEqual(readUsage({ prompt_tokens: 5, completion_tokens: 7 }), { promptTokens: 5, completionTokens: 7, totalTokens: 12 });
  });

  it('gives null for missing or malformed usage rather than a guess', () => {
    for (const bad of [undefined, null, 'x', [], {}, { prompt_tokens: '12' }, { prompt_tokens: -1 }, { prompt_tokens: 1.5 },
      { prompt_tokens: 3, completion_tokens: 'many' }, { prompt_tokens: 3, total_tokens: null }]) {
      assert.equal(readUsage(bad), null, JSON.stringify(bad));
    }
  });
});
