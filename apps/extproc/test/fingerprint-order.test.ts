import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startHarness } from './harness.ts';

const weather = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'] },
  },
};
/** The same tool with every object's keys in another order. */
const weatherReordered = {
  function: {
    parameters: { required: ['city'], properties: { unit: { enum: ['c', 'f'], type: 'string' }, city: { type: 'string' } }, type: 'object' },
    description: 'Current weather for a city',
    name: 'get_weather',
  },
  type: 'function',
};
const clock = { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } };

describe('fingerprint order (real server)', () => {
  it('reordered keys in tools, response_format and the body still hit; reordered stop sequences too', async () => {
    const h = await startHarness();
    try {
      const send = (body: Record<string, unknown>) => h.envoy.send({ path: '/v1/chat/completions', body: JSON.stringify(body) });
      const messages = [{ role: 'system', content: 'Use the tools.' }, { role: 'user', content: 'Weather in Oslo?' }];
      const first = await send({
        model: 'gpt-test', messages, tools: [weather, clock], tool_choice: 'auto', temperature: 0,
        response_format: { type: 'json_schema', json_schema: { name: 'w', schema: { type: 'object' } } }, stop: ['\n\n', 'END'],
      });
      assert.equal(first.source, 'upstream');
      const again = await send({
        stop: ['END', '\n\n'], response_format: { json_schema: { schema: { type: 'object' }, name: 'w' }, type: 'json_schema' },
        temperature: 0, tool_choice: 'auto', tools: [weatherReordered, clock],
        messages: [{ content: 'Use the tools.', role: 'system' }, { content: 'Weather in Oslo?', role: 'user' }], model: 'gpt-test',
      });
      assert.equal(again.headers['x-semantic-cache'], 'hit-exact');
      assert.equal(h.upstream.calls.length, 1);
    } finally {
      await h.close();
    }
  });

  it('the order of messages and of tools still matters: the model sees it', async () => {
    const h = await startHarness();
    try {
      const send = (body: Record<string, unknown>) => h.envoy.send({ path: '/v1/chat/completions', body: JSON.stringify(body) });
      const turns = [{ role: 'user', content: 'I live in Oslo.' }, { role: 'assistant', content: 'Noted.' }];
      await send({ model: 'gpt-test', messages: [...turns, { role: 'user', content: 'Where do I live?' }], tools: [weather, clock] });
      const swapped = await send({ model: 'gpt-test', messages: [turns[1], turns[0], { role: 'user', content: 'Where do I live?' }], tools: [weather, clock] });
      assert.equal(swapped.source, 'upstream', 'earlier turns in another order');
      const tools = await send({ model: 'gpt-test', messages: [...turns, { role: 'user', content: 'Where do I live?' }], tools: [clock, weather] });
      assert.equal(tools.source, 'upstream', 'tools in another order');
      assert.equal(h.upstream.calls.length, 3);
    } finally {
      await h.close();
    }
  });
});
