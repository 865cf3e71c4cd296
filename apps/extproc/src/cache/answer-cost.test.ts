import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigSchema } from '@semcache/shared';
import { answerCost } from './answer-cost.ts';

const prices = { 'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10 } };

describe('answerCost', () => {
  it('prices prompt and completion tokens separately, per million', () => {
    const cost = answerCost(prices, 'gpt-4o', { promptTokens: 1000, completionTokens: 500, totalTokens: 1500 });
    assert.equal(cost, (1000 * 2.5 + 500 * 10) / 1e6);
  });

  it('counts nothing for a model without a price or an answer without usage', () => {
    assert.equal(answerCost(prices, 'llama-3', { promptTokens: 10, completionTokens: 10, totalTokens: 20 }), 0);
    assert.equal(answerCost(prices, 'gpt-4o', null), 0);
  });

  it('does not take a price from the object prototype for a model named like one of its keys', () => {
    assert.equal(answerCost(prices, 'constructor', { promptTokens: 10, completionTokens: 10, totalTokens: 20 }), 0);
  });

  it('rejects a negative or misspelt price in the configuration', () => {
    assert.throws(() => ConfigSchema.parse({ pricing: { m: { inputPerMillion: -1, outputPerMillion: 1 } } }));
    assert.throws(() => ConfigSchema.parse({ pricing: { m: { inputPerMilion: 1, outputPerMillion: 1 } } }));
    assert.deepEqual(ConfigSchema.parse({}).pricing, {});
  });
});
