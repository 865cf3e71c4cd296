import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../config/load-config.ts';
import { embeddings } from './embeddings.ts';
import type { EndpointSpec } from './endpoint-spec.ts';
import { fingerprint } from './fingerprint.ts';
import { messages } from './messages.ts';
import { responses } from './responses.ts';
import { routeEndpoint } from './route.ts';

/** The fingerprint a request body gets, or the reason it is refused. */
function fp(spec: EndpointSpec, body: Record<string, unknown>): string {
  const r = spec.parse(body);
  assert.ok(r.ok, `parsed: ${JSON.stringify(r)}`);
  return fingerprint(spec.kind, r.request.context);
}

const ask = (content: unknown) => ({ role: 'user', content });

describe('messages.parse (Anthropic)', () => {
  const base = { model: 'claude', max_tokens: 100, system: 'Be brief.', messages: [ask('Hi'), { role: 'assistant', content: 'Hello' }, ask([{ type: 'text', text: 'What is' }, { type: 'text', text: 'DNS?', cache_control: { type: 'ephemeral' } }])] };

  it('embeds the last user turn and keeps system, earlier turns and max_tokens in the context', () => {
    const r = messages.parse({ ...base, stream: true, metadata: { user_id: 'u1' } });
    assert.ok(r.ok);
    assert.equal(r.request.prompt, 'What is\nDNS?');
    assert.equal(r.request.stream, true);
    assert.deepEqual(r.request.context, { max_tokens: 100, system: 'Be brief.', history: base.messages.slice(0, -1) });
  });

  it('never matches across another system prompt, conversation, max_tokens or stop sequence set; ignores metadata and stop order', () => {
    const f = fp(messages, base);
    assert.notEqual(fp(messages, { ...base, system: 'Be verbose.' }), f);
    assert.notEqual(fp(messages, { ...base, system: [{ type: 'text', text: 'Be brief.' }] }), f);
    assert.notEqual(fp(messages, { ...base, max_tokens: 200 }), f);
    assert.notEqual(fp(messages, { ...base, messages: [ask('Hey'), ...base.messages.slice(1)] }), f);
    assert.notEqual(fp(messages, { ...base, tools: [{ name: 't', input_schema: {} }] }), f);
    assert.equal(fp(messages, { ...base, metadata: { user_id: 'someone' } }), f);
    assert.equal(fp(messages, { ...base, stop_sequences: ['a', 'b'] }), fp(messages, { ...base, stop_sequences: ['b', 'a'] }));
    assert.notEqual(fp(messages, { ...base, stop_sequences: ['a'] }), fp(messages, { ...base, stop_sequences: ['b'] }));
  });

  it('passes tool results, assistant prefill, images and empty turns through', () => {
    const with_ = (last: unknown) => messages.parse({ model: 'claude', max_tokens: 5, messages: [ask('q'), last] });
    assert.deepEqual(with_(ask([{ type: 'tool_result', tool_use_id: 't', content: '42' }])), { ok: false, reason: 'content-not-text' });
    assert.deepEqual(with_({ role: 'assistant', content: 'The answer is' }), { ok: false, reason: 'last-message-not-user' });
    assert.deepEqual(with_(ask([{ type: 'image', source: {} }])), { ok: false, reason: 'content-not-text' });
    assert.deepEqual(with_(ask(' ')), { ok: false, reason: 'empty-prompt' });
    assert.deepEqual(messages.parse({ max_tokens: 5, messages: [ask('q')] }), { ok: false, reason: 'no-model' });
    assert.deepEqual(messages.parse({ model: 'claude', messages: [] }), { ok: false, reason: 'no-messages' });
  });
});

describe('responses.parse (OpenAI Responses)', () => {
  const base = { model: 'gpt', input: 'What is DNS?', instructions: 'Be brief.' };

  it('embeds the input string, or the text of the last user item', () => {
    const a = responses.parse(base);
    assert.ok(a.ok && a.request.prompt === 'What is DNS?' && a.request.stream === false);
    const b = responses.parse({ model: 'gpt', stream: true, input: [{ role: 'developer', content: 'x' }, { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What is DNS?' }] }] });
    assert.ok(b.ok && b.request.prompt === 'What is DNS?' && b.request.stream);
  });

  it('never matches across other instructions, previous_response_id or earlier items; ignores the echoed fields', () => {
    const f = fp(responses, base);
    assert.notEqual(fp(responses, { ...base, instructions: 'Be verbose.' }), f);
    assert.notEqual(fp(responses, { ...base, previous_response_id: 'resp_1' }), f);
    assert.notEqual(fp(responses, { ...base, previous_response_id: 'resp_1' }), fp(responses, { ...base, previous_response_id: 'resp_2' }));
    assert.notEqual(fp(responses, { ...base, store: false }), f);
    assert.notEqual(fp(responses, { ...base, max_output_tokens: 50 }), f);
    assert.notEqual(fp(responses, { ...base, input: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }, { role: 'user', content: 'What is DNS?' }] }), f);
    assert.equal(fp(responses, { ...base, metadata: { trace: '1' }, user: 'u', safety_identifier: 's', prompt_cache_key: 'k' }), f);
  });

  it('passes through tool outputs, images, server-side conversations and background runs', () => {
    assert.deepEqual(responses.parse({ model: 'gpt', input: [{ type: 'function_call_output', call_id: 'c', output: '42' }] }), { ok: false, reason: 'last-message-not-user' });
    assert.deepEqual(responses.parse({ model: 'gpt', input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'x' }] }] }), { ok: false, reason: 'content-not-text' });
    assert.deepEqual(responses.parse({ ...base, conversation: 'conv_1' }), { ok: false, reason: 'conversation' });
    assert.deepEqual(responses.parse({ ...base, background: true }), { ok: false, reason: 'background' });
    assert.deepEqual(responses.parse({ model: 'gpt', input: [] }), { ok: false, reason: 'last-message-not-user' });
  });
});

describe('embeddings.parse', () => {
  it('is exact-only, keyed by the input exactly, encoding_format and dimensions', () => {
    const r = embeddings.parse({ model: 'e', input: 'hello world' });
    assert.ok(r.ok && r.request.exactOnly === true && r.request.prompt === 'hello world');
    const f = fp(embeddings, { model: 'e', input: 'hello world' });
    assert.notEqual(fp(embeddings, { model: 'e', input: 'hello  world' }), f, 'white space changes the vectors');
    assert.notEqual(fp(embeddings, { model: 'e', input: ['hello world'] }), f);
    assert.notEqual(fp(embeddings, { model: 'e', input: ['a', 'b'] }), fp(embeddings, { model: 'e', input: ['b', 'a'] }));
    assert.notEqual(fp(embeddings, { model: 'e', input: 'hello world', encoding_format: 'base64' }), f);
    assert.notEqual(fp(embeddings, { model: 'e', input: 'hello world', dimensions: 256 }), f);
    assert.equal(fp(embeddings, { model: 'e', input: 'hello world', user: 'u' }), f);
    const tokens = embeddings.parse({ model: 'e', input: [[1, 2], [3]] });
    assert.ok(tokens.ok && tokens.request.prompt === '[[1,2],[3]]');
  });

  it('refuses what is not an input', () => {
    for (const input of [undefined, 1, [], [1, 'a'], [[]], { a: 1 }]) {
      assert.deepEqual(embeddings.parse({ model: 'e', input }), { ok: false, reason: 'input-not-text' }, JSON.stringify(input));
    }
    assert.deepEqual(embeddings.parse({ model: 'e', input: '  ' }), { ok: false, reason: 'empty-prompt' });
  });
});

describe('the endpoints setting', () => {
  it('routes only the endpoints it names, and refuses a name it does not know', () => {
    assert.equal(routeEndpoint('POST', '/v1/embeddings', [''], ['chat', 'messages']), null);
    assert.equal(routeEndpoint('POST', '/v1/messages', [''], ['chat', 'messages']), messages);
    assert.deepEqual(loadConfig({ ENDPOINTS: 'chat, responses' }).endpoints, ['chat', 'responses']);
    assert.deepEqual(loadConfig({}).endpoints, ['chat', 'completions', 'messages', 'responses', 'embeddings']);
    assert.throws(() => loadConfig({ ENDPOINTS: 'chat,images' }), (e: unknown) => e instanceof ConfigError && /endpoints/.test(e.message));
  });
});
