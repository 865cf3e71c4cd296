import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EntryList } from '@semcache/shared';
import { newestEnvoy } from '@semcache/testkit';
import { startEnvoyStack, type EnvoyStack } from './envoy-stack.ts';

const binary = newestEnvoy();

const chat = (content: string, system?: string) => ({
  model: 'gpt-test',
  messages: [...(system ? [{ role: 'system', content: system }] : []), { role: 'user', content }],
});

/** The access log's `key=value` fields of one line. */
const fields = (line: string): Record<string, string> => Object.fromEntries([...line.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));

/**
 * The cache honours every client control, refresh included, only where the operator allows it
 * (CACHE_CLIENT_CONTROLS=all; builds without that setting always do): here so that stripping is what is tested.
 */
const ALL_CONTROLS = { serverEnv: { CACHE_CLIENT_CONTROLS: 'all' } };

describe(`Envoy ${binary.version} on deploy/envoy.yaml: requests through plain fetch`, () => {
  let s: EnvoyStack;
  before(async () => { s = await startEnvoyStack(binary, ALL_CONTROLS); });
  after(async () => { await s.close(); });

  it('the same question under another system prompt is a miss (chat isolation)', async () => {
    const first = await s.post('/v1/chat/completions', chat('How do I list pods', 'You are terse.'));
    assert.equal(first.headers.get('x-semantic-cache'), 'miss');
    const again = await s.post('/v1/chat/completions', chat('How do I list pods', 'You are terse.'));
    assert.equal(again.headers.get('x-semantic-cache'), 'hit-exact');
    const other = await s.post('/v1/chat/completions', chat('How do I list pods', 'You answer in French.'));
    assert.equal(other.headers.get('x-semantic-cache'), 'miss');
    const otherBody = await other.json() as { choices: { message: { content: string } }[] };
    assert.match(otherBody.choices[0]!.message.content, /^Answer #2 to/);
    assert.equal(s.upstream.calls.length, 2);
  });

  it('the request-control header steers the cache and is removed before the model sees the request', async () => {
    const calls = s.upstream.calls.length;
    const refreshed = await s.post('/v1/chat/completions', chat('How do I list pods', 'You are terse.'), { 'x-semantic-cache': 'refresh' });
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.headers.get('x-semantic-cache'), 'miss');
    assert.equal(s.upstream.calls.length, calls + 1);
    const seen = s.upstream.calls.at(-1)!.headers;
    assert.equal(seen['x-semantic-cache'], undefined);
    assert.equal(seen['content-type'], 'application/json', 'the other headers still reach the model');
    const hit = await s.post('/v1/chat/completions', chat('How do I list pods', 'You are terse.'));
    const body = await hit.json() as { choices: { message: { content: string } }[] };
    assert.equal(hit.headers.get('x-semantic-cache'), 'hit-exact');
    assert.match(body.choices[0]!.message.content, new RegExp(`^Answer #${calls + 1} to`), 'refresh replaced the cached answer');
  });

  it("Envoy's access log shows tokens consumed on a miss, 0 consumed and the tokens saved on a hit", async () => {
    s.upstream.handler = () => ({
      body: {
        id: 'chatcmpl-u', object: 'chat.completion', created: 1_700_000_000, model: 'gpt-test',
        choices: [{ index: 0, message: { role: 'assistant', content: 'kubectl logs' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 },
      },
    });
    const before = (await s.settledAccessLog()).length;
    await (await s.post('/v1/chat/completions', chat('How do I read the logs of a pod'))).arrayBuffer();
    await (await s.post('/v1/chat/completions', chat('How do I read the logs of a pod'))).arrayBuffer();
    s.upstream.handler = s.upstream.answer;
    const lines = (await s.settledAccessLog()).slice(before);
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /"POST \/v1\/chat\/completions" 200 /);
    assert.deepEqual(fields(lines[0]!), { cache: 'miss', prompt_tokens: '12', completion_tokens: '30', total_tokens: '42', tokens_saved: '-' });
    assert.deepEqual(fields(lines[1]!), { cache: 'hit-exact', prompt_tokens: '0', completion_tokens: '0', total_tokens: '0', tokens_saved: '42' });
  });

  it('GET /v1/models and POST /v1/moderations reach the model with their bodies never sent to the cache', async () => {
    const stats = await s.extProcStats();
    const calls = s.upstream.calls.length;
    const models = await fetch(`${s.envoy.url}/v1/models`);
    assert.equal(models.status, 200);
    await models.arrayBuffer();
    const input = { model: 'omni-moderation', input: 'x'.repeat(100_000) };
    const moderations = await s.post('/v1/moderations', input);
    assert.equal(moderations.status, 200);
    assert.equal(moderations.headers.get('x-semantic-cache'), null);
    await moderations.arrayBuffer();
    assert.equal(s.upstream.calls.length, calls + 2);
    assert.deepEqual(s.upstream.calls.at(-1)!.body, input, 'the body reached the model intact');
    const now = await s.extProcStats();
    assert.equal(now.streams_started! - stats.streams_started!, 2);
    assert.equal(now.stream_msgs_sent! - stats.stream_msgs_sent!, 2, 'one request_headers message each: no body, no response phase');
  });

  it('no ext_proc stream failed, timed out or fell back to failure_mode_allow', async () => {
    const stats = await s.extProcStats();
    assert.equal(stats.streams_failed ?? 0, 0);
    assert.equal(stats.failure_mode_allowed ?? 0, 0);
    assert.equal(stats.message_timeouts ?? 0, 0);
  });
});

describe(`Envoy ${binary.version} on deploy/envoy-untrusted-clients.yaml`, () => {
  let s: EnvoyStack;
  before(async () => { s = await startEnvoyStack(binary, { ...ALL_CONTROLS, configFile: 'deploy/envoy-untrusted-clients.yaml' }); });
  after(async () => { await s.close(); });

  it("a client's x-semantic-cache: refresh never reaches the cache: the cached answer stays", async () => {
    const first = await s.post('/v1/chat/completions', chat('What is a DaemonSet'));
    const answer = await first.json() as unknown;
    assert.equal(first.headers.get('x-semantic-cache'), 'miss');
    for (const control of ['refresh', 'bypass', 'no-store']) {
      const r = await s.post('/v1/chat/completions', chat('What is a DaemonSet'), { 'x-semantic-cache': control });
      assert.equal(r.headers.get('x-semantic-cache'), 'hit-exact', control);
      assert.deepEqual(await r.json(), answer, control);
    }
    assert.equal(s.upstream.calls.length, 1, 'the model was asked once');
  });

  it("a client's x-semantic-cache-ttl and x-semantic-cache-tags never reach the cache: the answer is stored untagged, for the namespace's TTL", async () => {
    const r = await s.post('/v1/chat/completions', chat('What is a StatefulSet'), { 'x-semantic-cache-ttl': '60', 'x-semantic-cache-tags': 'planted' });
    assert.equal(r.headers.get('x-semantic-cache'), 'miss');
    assert.equal(r.headers.get('x-semantic-cache-ttl'), '3600', 'stored for the default ttlSeconds, not the asked 60 s');
    await r.arrayBuffer();
    const seen = s.upstream.calls.at(-1)!.headers;
    assert.deepEqual([seen['x-semantic-cache-ttl'], seen['x-semantic-cache-tags']], [undefined, undefined]);
    const res = await fetch(`http://127.0.0.1:${s.server.httpPort}/api/namespaces/gpt-test/entries`);
    const entry = ((await res.json()) as EntryList).items.find((e) => e.prompt === 'What is a StatefulSet');
    assert.deepEqual(entry?.tags, []);
  });
});
