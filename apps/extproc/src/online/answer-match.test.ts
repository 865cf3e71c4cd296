import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BuiltinHashedEmbedder } from '../embedders/builtin-hashed.ts';
import { answerText, sameAnswer } from './answer-match.ts';

const chat = (content: string): string => JSON.stringify({
  id: 'c', object: 'chat.completion', created: 1, model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
});

describe('answer comparison', () => {
  const embedder = new BuiltinHashedEmbedder({ dimensions: 256 });

  it('reads the text of a stored answer, and nothing from one that is not', () => {
    assert.equal(answerText('chat', chat('Paris.')), 'Paris.');
    assert.equal(answerText('chat', 'not json'), null);
  });

  it('for temperature 0, takes the same words as the same answer and any other words as another', async () => {
    const pair = { endpoint: 'chat' as const, deterministic: true };
    assert.equal(await sameAnswer({ ...pair, cached: chat('The capital is Paris.'), fresh: chat('the capital is   Paris') }, embedder, 0.8), true);
    assert.equal(await sameAnswer({ ...pair, cached: chat('The capital is Paris.'), fresh: chat('The capital is Paris, France.') }, embedder, 0.8), false);
  });

  it('otherwise compares the answers\' meaning with the embedder at the given level', async () => {
    const pair = { endpoint: 'chat' as const, deterministic: false, cached: chat('Hold the reset button for ten seconds, then log in again.') };
    assert.equal(await sameAnswer({ ...pair, fresh: chat('Hold the reset button for ten seconds, then log in.') }, embedder, 0.8), true);
    assert.equal(await sameAnswer({ ...pair, fresh: chat('The password is printed on the label under the router.') }, embedder, 0.8), false);
  });

  it('cannot compare an answer without text', async () => {
    assert.equal(await sameAnswer({ endpoint: 'chat', deterministic: false, cached: chat('x'), fresh: '{}' }, embedder, 0.8), null);
  });
});
