import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chat } from './chat.ts';
import { completions } from './completions.ts';
import { embeddings } from './embeddings.ts';
import { messages } from './messages.ts';
import { responses } from './responses.ts';
import { fingerprint } from './fingerprint.ts';
import { routeEndpoint } from './route.ts';

describe('routeEndpoint', () => {
  const prefixes = ['', '/openai'];
  it('routes POSTs to both endpoints, at the root and under a prefix, ignoring the query and a trailing slash', () => {
    assert.equal(routeEndpoint('POST', '/v1/chat/completions', prefixes), chat);
    assert.equal(routeEndpoint('POST', '/openai/v1/completions?api-version=2', prefixes), completions);
    assert.equal(routeEndpoint('POST', '/v1/chat/completions/', prefixes), chat);
    assert.equal(routeEndpoint('POST', '/v1/messages', prefixes), messages);
    assert.equal(routeEndpoint('POST', '/v1/responses', prefixes), responses);
    assert.equal(routeEndpoint('POST', '/openai/v1/embeddings', prefixes), embeddings);
  });
  it('leaves everything else alone', () => {
    assert.equal(routeEndpoint('GET', '/v1/chat/completions', prefixes), null);
    assert.equal(routeEndpoint('POST', '/v1/messages/count_tokens', prefixes), null);
    assert.equal(routeEndpoint('GET', '/v1/responses/resp_1', prefixes), null);
    assert.equal(routeEndpoint('POST', '/other/v1/completions', prefixes), null);
    assert.equal(routeEndpoint('POST', '/v1/chat/completionsX', prefixes), null);
  });
});

describe('completions.parse', () => {
  it('accepts a prompt string or an array of one string', () => {
    const a = completions.parse({ model: 'm', prompt: 'hi there', temperature: 0 });
    assert.ok(a.ok);
    assert.equal(a.request.prompt, 'hi there');
    assert.deepEqual(a.request.context, { temperature: 0 });
    const b = completions.parse({ model: 'm', prompt: ['hi there'] });
    assert.ok(b.ok && b.request.prompt === 'hi there');
  });
  it('refuses what one cached answer cannot stand for', () => {
    assert.deepEqual(completions.parse({ prompt: 'x' }), { ok: false, reason: 'no-model' });
    assert.deepEqual(completions.parse({ model: 'm', prompt: ['a', 'b'] }), { ok: false, reason: 'prompt-not-text' });
    assert.deepEqual(completions.parse({ model: 'm', prompt: [1, 2] }), { ok: false, reason: 'prompt-not-text' });
    assert.deepEqual(completions.parse({ model: 'm', prompt: 'x', n: 2 }), { ok: false, reason: 'multiple-choices' });
    assert.deepEqual(completions.parse({ model: 'm', prompt: 'x', best_of: 3 }), { ok: false, reason: 'multiple-choices' });
    assert.deepEqual(completions.parse({ model: 'm', prompt: '   ' }), { ok: false, reason: 'empty-prompt' });
  });
});

describe('chat.parse', () => {
  it('embeds the last user message and puts the rest of the conversation in the context', () => {
    const r = chat.parse({
      model: 'm', stream: true, user: 'u1', temperature: 0.2,
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: [{ type: 'text', text: 'What is' }, { type: 'text', text: 'DNS?' }] }],
    });
    assert.ok(r.ok);
    assert.equal(r.request.prompt, 'What is\nDNS?');
    assert.equal(r.request.stream, true);
    assert.deepEqual(r.request.context, { temperature: 0.2, history: [{ role: 'system', content: 'Be brief.' }], lastName: null });
  });
  it('refuses tool results, assistant prefill, images and empty questions', () => {
    assert.deepEqual(chat.parse({ model: 'm', messages: [{ role: 'user', content: 'a' }, { role: 'tool', content: 'b' }] }), { ok: false, reason: 'last-message-not-user' });
    assert.deepEqual(chat.parse({ model: 'm', messages: [{ role: 'assistant', content: 'a' }] }), { ok: false, reason: 'last-message-not-user' });
    assert.deepEqual(chat.parse({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }), { ok: false, reason: 'content-not-text' });
    assert.deepEqual(chat.parse({ model: 'm', messages: [] }), { ok: false, reason: 'no-messages' });
    assert.deepEqual(chat.parse({ model: 'm', messages: [{ role: 'user', content: '' }] }), { ok: false, reason: 'empty-prompt' });
  });
});

describe('contextFields', () => {
  it('treats stop sequences as a set, and keeps the order of every other array', () => {
    const a = completions.parse({ model: 'm', prompt: 'x', stop: ['\n', 'END', 'END'], logit_bias: { 1: 1 } });
    const b = completions.parse({ model: 'm', prompt: 'x', logit_bias: { 1: 1 }, stop: ['END', '\n'] });
    assert.ok(a.ok && b.ok);
    assert.equal(fingerprint('completions', a.request.context), fingerprint('completions', b.request.context));
    const c = completions.parse({ model: 'm', prompt: 'x', stop: 'END' });
    assert.ok(c.ok);
    assert.deepEqual(c.request.context, { stop: 'END' });
    const t1 = chat.parse({ model: 'm', tools: [{ n: 1 }, { n: 2 }], messages: [{ role: 'user', content: 'q' }] });
    const t2 = chat.parse({ model: 'm', tools: [{ n: 2 }, { n: 1 }], messages: [{ role: 'user', content: 'q' }] });
    assert.ok(t1.ok && t2.ok);
    assert.notEqual(fingerprint('chat', t1.request.context), fingerprint('chat', t2.request.context));
  });
});

describe('fingerprint', () => {
  it('ignores key order but not values, nesting or endpoint', () => {
    assert.equal(fingerprint('chat', { a: 1, b: { c: [1, 2], d: null } }), fingerprint('chat', { b: { d: null, c: [1, 2] }, a: 1 }));
    assert.notEqual(fingerprint('chat', { a: 1 }), fingerprint('chat', { a: 2 }));
    assert.notEqual(fingerprint('chat', { a: [1, 2] }), fingerprint('chat', { a: [2, 1] }));
    assert.notEqual(fingerprint('chat', { a: 1 }), fingerprint('completions', { a: 1 }));
    assert.notEqual(fingerprint('chat', { a: '1' }), fingerprint('chat', { a: 1 }));
  });
});
