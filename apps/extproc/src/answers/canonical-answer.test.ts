import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromCompletion, toCompletion } from './canonical-answer.ts';

const chatDoc = {
  id: 'chatcmpl-1', object: 'chat.completion', created: 1_700_000_000, model: 'gpt-test', system_fingerprint: 'fp_1',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};

describe('canonical answers', () => {
  it('reads a chat completion and writes it back unchanged in substance', () => {
    const answer = fromCompletion(chatDoc, 'chat');
    assert.ok(answer);
    assert.equal(answer.choices[0]?.content, 'Hello');
    assert.equal(answer.systemFingerprint, 'fp_1');
    const back = toCompletion(answer);
    assert.deepEqual(back, { ...chatDoc, choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, logprobs: null, finish_reason: 'stop' }] });
  });

  it('keeps other text fields of a message (reasoning_content) and tool calls', () => {
    const answer = fromCompletion({
      ...chatDoc,
      choices: [{ index: 0, finish_reason: 'tool_calls', message: {
        role: 'assistant', content: null, reasoning_content: 'think',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      } }],
    }, 'chat');
    assert.deepEqual(answer?.choices[0]?.extras, { reasoning_content: 'think' });
    assert.deepEqual(answer?.choices[0]?.toolCalls, [{ id: 'call_1', type: 'function', name: 'f', arguments: '{}' }]);
  });

  it('refuses errors, empty choices, wrong shapes for the endpoint and legacy function calls', () => {
    assert.equal(fromCompletion({ error: { message: 'x' } }, 'chat'), null);
    assert.equal(fromCompletion({ ...chatDoc, choices: [] }, 'chat'), null);
    assert.equal(fromCompletion(chatDoc, 'completions'), null, 'a chat answer is not a text completion');
    assert.equal(fromCompletion({ ...chatDoc, choices: [{ index: 0, message: { role: 'assistant', content: [{ type: 'text' }] } }] }, 'chat'), null);
    assert.equal(fromCompletion({ ...chatDoc, choices: [{ index: 0, message: { role: 'assistant', content: null, function_call: { name: 'f' } } }] }, 'chat'), null);
    assert.equal(fromCompletion('text', 'chat'), null);
  });
});
