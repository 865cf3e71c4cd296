import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { json, resetHarness, startHarness, type Harness } from './harness.ts';

const chatBody = (messages: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'gpt-test', messages, ...extra });

describe('what is cached, and what passes through untouched', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h.close(); });
  beforeEach(() => resetHarness(h));

  it('never answers the same last question asked under another system prompt, history or sampling setting', async () => {
    const question = { role: 'user', content: 'How do I restart a deployment?' };
    const base = await h.envoy.send({ path: '/v1/chat/completions', body: chatBody([{ role: 'system', content: 'You are terse.' }, question]) });
    assert.equal(base.headers['x-semantic-cache'], 'miss');
    const variants = [
      chatBody([{ role: 'system', content: 'You are verbose.' }, question]),
      chatBody([{ role: 'user', content: 'We use Helm.' }, { role: 'assistant', content: 'OK.' }, question]),
      chatBody([{ role: 'system', content: 'You are terse.' }, question], { temperature: 1.5 }),
      chatBody([{ role: 'system', content: 'You are terse.' }, question], { tools: [{ type: 'function', function: { name: 'kubectl' } }] }),
      chatBody([{ role: 'system', content: 'You are terse.' }, question], { response_format: { type: 'json_object' } }),
    ];
    for (const body of variants) {
      const r = await h.envoy.send({ path: '/v1/chat/completions', body });
      assert.equal(r.source, 'upstream', `no hit for ${body}`);
    }
    assert.equal(h.upstream.calls.length, 1 + variants.length);
    const again = await h.envoy.send({ path: '/v1/chat/completions', body: chatBody([{ role: 'system', content: 'You are terse.' }, question]) });
    assert.equal(again.headers['x-semantic-cache'], 'hit-exact', 'the same conversation still hits');
  });

  it('treats parameter order and the user field as irrelevant to the fingerprint', async () => {
    await h.envoy.send({ path: '/v1/chat/completions', body: JSON.stringify({ model: 'gpt-test', temperature: 0, messages: [{ role: 'user', content: 'Define latency' }] }) });
    const r = await h.envoy.send({ path: '/v1/chat/completions', body: JSON.stringify({ messages: [{ role: 'user', content: 'Define latency' }], user: 'u-42', model: 'gpt-test', temperature: 0 }) });
    assert.equal(r.headers['x-semantic-cache'], 'hit-exact');
  });

  it('keeps models apart: one model never answers for another', async () => {
    await h.chat('What is a pod?');
    const r = await h.envoy.send({ path: '/v1/chat/completions', body: JSON.stringify({ model: 'other-model', messages: [{ role: 'user', content: 'What is a pod?' }] }) });
    assert.equal(r.source, 'upstream');
  });

  it('does not store a 500 from the upstream, nor a 200 carrying an error object, nor a gzip answer', async () => {
    h.upstream.handler = () => ({ status: 500, body: { error: { message: 'overloaded' } } });
    const a = await h.chat('First question that fails');
    assert.equal(a.status, 500);
    h.upstream.handler = () => ({ status: 200, body: { error: { message: 'content filter' } } });
    await h.chat('Second question that fails');
    h.upstream.handler = () => ({ status: 200, headers: { 'content-encoding': 'gzip' }, body: Buffer.from([0x1f, 0x8b, 0, 0]) });
    await h.chat('Third question, gzip');
    h.upstream.handler = () => ({ status: 200, body: { object: 'chat.completion', choices: [] } });
    await h.chat('Fourth question, no choices');
    assert.equal(h.server.admin.listEntries('gpt-test', {}).total, 0);
    for (const q of ['First question that fails', 'Second question that fails', 'Third question, gzip', 'Fourth question, no choices']) {
      assert.equal((await h.chat(q)).source, 'upstream', q);
    }
  });

  it('passes other paths and methods through with every body skipped', async () => {
    for (const req of [
      { method: 'GET', path: '/v1/models' },
      { method: 'POST', path: '/v1/messages/count_tokens', body: JSON.stringify({ model: 'c', messages: [{ role: 'user', content: 'x' }] }) },
      { method: 'GET', path: '/v1/chat/completions' },
      { method: 'POST', path: '/v2/chat/completions', body: chatBody([{ role: 'user', content: 'hi' }]) },
    ]) {
      const r = await h.envoy.send(req);
      assert.equal(r.source, 'upstream', req.path);
      assert.equal(r.headers['x-semantic-cache'], undefined, `${req.method} ${req.path} is untouched`);
      assert.equal(r.upstreamRequestHeaders?.['x-request-id'] !== undefined, true);
    }
    assert.equal(h.upstream.calls.length, 4);
    assert.equal(h.envoy.failures.length, 0);
  });

  it('passes through requests it cannot or must not cache: n > 1, no model, tool results, images, invalid JSON, empty body', async () => {
    const bodies = [
      chatBody([{ role: 'user', content: 'Give me names' }], { n: 3 }),
      JSON.stringify({ messages: [{ role: 'user', content: 'no model' }] }),
      chatBody([{ role: 'user', content: 'weather?' }, { role: 'assistant', content: null, tool_calls: [] }, { role: 'tool', content: '12C' }]),
      chatBody([{ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: 'data:,' } }] }]),
      '{"model": "gpt-test", "messages": [',
      '',
    ];
    for (const body of bodies) {
      const first = await h.envoy.send({ path: '/v1/chat/completions', body });
      const second = await h.envoy.send({ path: '/v1/chat/completions', body });
      assert.equal(first.source, 'upstream');
      assert.equal(second.source, 'upstream', `never a hit for ${body.slice(0, 60)}`);
      assert.equal(first.headers['x-semantic-cache'], undefined);
    }
    assert.equal(h.upstream.calls.length, bodies.length * 2);
  });

  it('passes through a 5 MB body and invalid UTF-8, and keeps serving', async () => {
    const huge = chatBody([{ role: 'user', content: 'x'.repeat(5 * 1024 * 1024) }]);
    const r1 = await h.envoy.send({ path: '/v1/chat/completions', body: huge });
    assert.equal(r1.status, 200);
    assert.equal(r1.source, 'upstream');
    const invalid = Buffer.concat([Buffer.from('{"model":"gpt-test","messages":[{"role":"user","content":"caf'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')]);
    const r2 = await h.envoy.send({ path: '/v1/chat/completions', body: invalid });
    assert.equal(r2.status, 200);
    assert.equal(r2.source, 'upstream');
    const after = await h.chat('Still serving?');
    assert.equal(after.headers['x-semantic-cache'], 'miss');
    assert.equal((await h.chat('Still serving?')).headers['x-semantic-cache'], 'hit-exact');
  });

  it('honours x-semantic-cache: bypass and no-store, and never forwards the header (refresh: client-controls.test.ts)', async () => {
    await h.chat('Control header question');
    const bypass = await h.chat('Control header question', {}, { headers: { 'x-semantic-cache': 'bypass' } });
    assert.equal(bypass.source, 'upstream');
    assert.equal(bypass.headers['x-semantic-cache'], 'bypass');
    assert.equal(bypass.upstreamRequestHeaders?.['x-semantic-cache'], undefined);

    const noStore = await h.chat('A question never stored', {}, { headers: { 'x-semantic-cache': 'no-store' } });
    assert.equal(noStore.headers['x-semantic-cache'], 'miss');
    assert.equal((await h.chat('A question never stored', {}, { headers: { 'x-semantic-cache': 'no-store' } })).source, 'upstream');
    assert.equal(h.server.admin.listEntries('gpt-test', { text: 'Control header' }).total, 1);
    const outcomes = h.server.admin.recentLookups({ namespace: 'gpt-test', outcome: 'bypass' });
    assert.equal(outcomes.length, 1);
  });
});
