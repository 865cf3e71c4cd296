import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { streamedAnswer, type EnvoyResponse } from '@semcache/testkit';
import { startHarness, type Harness } from './harness.ts';

const NS = 'envoy.filters.http.ext_proc';
const USAGE = { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 };
const TOKEN_HEADERS = ['x-openai-prompt-tokens', 'x-openai-completion-tokens', 'x-openai-total-tokens', 'x-semantic-cache-tokens-saved'];

interface DecodedValue {
  numberValue?: number;
  structValue?: { fields: Record<string, DecodedValue> };
}

/**
 * The numbers Envoy would put under `namespace` in the request's dynamic metadata (later replies win).
 * protobufjs decodes google.protobuf.Value with camelCase fields, whatever the loader's keepCase.
 */
function metadata(res: EnvoyResponse, namespace = NS): Record<string, number> | null {
  let out: Record<string, number> | null = null;
  for (const struct of res.dynamicMetadata) {
    const ns = (struct.fields as Record<string, DecodedValue>)[namespace]?.structValue;
    if (!ns) continue;
    out ??= {};
    for (const [k, v] of Object.entries(ns.fields)) if (v.numberValue !== undefined) out[k] = v.numberValue;
  }
  return out;
}

const tokenHeaders = (res: EnvoyResponse) => Object.fromEntries(TOKEN_HEADERS.filter((k) => k in res.headers).map((k) => [k, res.headers[k]]));

function chatAnswer(content: string, usage: unknown): Record<string, unknown> {
  return {
    id: 'chatcmpl-u', object: 'chat.completion', created: 1_700_000_000, model: 'gpt-test',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    ...(usage === undefined ? {} : { usage }),
  };
}

describe('token usage for Envoy: headers and dynamic metadata', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h.close(); });

  it('a JSON miss carries the upstream figures; its hit reports 0 consumed and the tokens saved', async () => {
    h.upstream.handler = () => ({ body: chatAnswer('Use a Deployment.', USAGE) });
    const miss = await h.chat('How do I run three replicas of my app');
    assert.equal(miss.headers['x-semantic-cache'], 'miss');
    assert.deepEqual(tokenHeaders(miss), { 'x-openai-prompt-tokens': '12', 'x-openai-completion-tokens': '30', 'x-openai-total-tokens': '42' });
    assert.deepEqual(metadata(miss), { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 });

    const hit = await h.chat('How do I run three replicas of my app');
    assert.equal(hit.source, 'immediate');
    const expected = { 'x-openai-prompt-tokens': '0', 'x-openai-completion-tokens': '0', 'x-openai-total-tokens': '0', 'x-semantic-cache-tokens-saved': '42' };
    assert.deepEqual(tokenHeaders(hit), expected);
    assert.deepEqual(metadata(hit), { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, tokens_saved: 42 });

    const streamedHit = await h.chat('How do I run three replicas of my app', { stream: true });
    assert.equal(streamedHit.headers['content-type'], 'text/event-stream');
    assert.deepEqual(tokenHeaders(streamedHit), expected, 'a hit is one immediate response: headers work for SSE too');
    assert.equal(h.server.admin.getNamespace('gpt-test').stats.tokensSaved, 84, 'the tokens-saved figure counts the same');
  });

  it('a streamed miss with include_usage carries the figures as dynamic metadata (headers have left already)', async () => {
    h.upstream.handler = () => ({ chunks: streamedAnswer({ endpoint: 'chat', text: 'Port 2379.', usage: USAGE }) });
    const miss = await h.chat('Which port does etcd listen on', { stream: true, stream_options: { include_usage: true } });
    assert.equal(miss.headers['x-semantic-cache'], 'miss');
    assert.deepEqual(metadata(miss), { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 });
    assert.deepEqual(tokenHeaders(miss), {});

    h.upstream.handler = h.upstream.answer;
    const hit = await h.chat('Which port does etcd listen on');
    assert.equal(hit.headers['x-semantic-cache-tokens-saved'], '42');
  });

  it('missing or malformed usage: no token headers nor metadata, the answer passes and is still cached', async () => {
    for (const [prompt, usage] of [['What is a namespace', undefined], ['What is a node', { prompt_tokens: 'ten', total_tokens: -1 }]] as const) {
      h.upstream.handler = () => ({ body: chatAnswer(`About: ${prompt}`, usage) });
      const miss = await h.chat(prompt);
      assert.equal(miss.status, 200);
      assert.equal(miss.source, 'upstream');
      assert.deepEqual(tokenHeaders(miss), {}, prompt);
      assert.equal(metadata(miss), null, prompt);
      const hit = await h.chat(prompt);
      assert.equal(hit.source, 'immediate');
      assert.equal(hit.headers['x-openai-total-tokens'], '0', 'a hit consumed nothing, usage known or not');
      assert.equal(hit.headers['x-semantic-cache-tokens-saved'], undefined, 'no figure is made up');
    }
    assert.equal(h.envoy.failures.length, 0);
  });

  it('reports usage of bypassed requests too: the model was called', async () => {
    h.upstream.handler = () => ({ body: chatAnswer('Bypassed.', USAGE) });
    const res = await h.chat('A bypassed question', {}, { headers: { 'x-semantic-cache': 'bypass' } });
    assert.equal(res.headers['x-semantic-cache'], 'bypass');
    assert.equal(res.headers['x-openai-total-tokens'], '42');
  });
});

describe('token usage configuration', () => {
  it('honours header names and the metadata namespace', async () => {
    const h = await startHarness({
      tokenUsage: { headers: { totalTokens: 'X-Tokens-Total', tokensSaved: 'x-saved' }, metadataNamespace: 'io.semcache' },
    });
    try {
      h.upstream.handler = () => ({ body: chatAnswer('Yes.', USAGE) });
      const miss = await h.chat('Is this configurable');
      assert.equal(miss.headers['x-tokens-total'], '42');
      assert.equal(miss.headers['x-openai-total-tokens'], undefined);
      assert.deepEqual(metadata(miss, 'io.semcache'), { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 });
      assert.equal((await h.chat('Is this configurable')).headers['x-saved'], '42');
    } finally {
      await h.close();
    }
  });

  it('counts the cost saved at the configured prices, in /metrics and the namespace stats', async () => {
    const h = await startHarness({ pricing: { 'gpt-test': { inputPerMillion: 5, outputPerMillion: 15 } } });
    try {
      h.upstream.handler = () => ({ body: chatAnswer('Yes.', USAGE) });
      await h.chat('What does a cache hit save');
      assert.equal((await h.chat('What does a cache hit save')).source, 'immediate');
      const expected = (12 * 5 + 30 * 15) / 1e6;
      assert.equal(h.server.admin.getNamespace('gpt-test').stats.costSaved, expected);
      const metrics = await (await fetch(`http://127.0.0.1:${h.server.httpPort}/metrics`)).text();
      assert.match(metrics, new RegExp(`^semcache_cost_saved_total\\{namespace="gpt-test"\\} ${expected}$`, 'm'));
    } finally {
      await h.close();
    }
  });

  it('adds nothing when turned off', async () => {
    const h = await startHarness({ tokenUsage: { enabled: false } });
    try {
      h.upstream.handler = () => ({ body: chatAnswer('No.', USAGE) });
      const miss = await h.chat('Are token headers off');
      const hit = await h.chat('Are token headers off');
      assert.equal(hit.source, 'immediate');
      for (const res of [miss, hit]) {
        assert.deepEqual(tokenHeaders(res), {});
        assert.equal(metadata(res), null);
      }
    } finally {
      await h.close();
    }
  });
});
