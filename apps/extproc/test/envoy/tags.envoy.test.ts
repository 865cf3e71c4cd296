import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EntryList } from '@semcache/shared';
import { newestEnvoy } from '@semcache/testkit';
import { startEnvoyStack, type EnvoyStack } from './envoy-stack.ts';

const binary = newestEnvoy();

const chat = (content: string) => ({ model: 'gpt-test', messages: [{ role: 'user', content }] });

describe(`Envoy ${binary.version} on deploy/envoy.yaml: the x-semantic-cache-tags request header`, () => {
  let s: EnvoyStack;
  before(async () => { s = await startEnvoyStack(binary); });
  after(async () => { await s.close(); });

  const entries = async (): Promise<EntryList['items']> => {
    const res = await fetch(`http://127.0.0.1:${s.server.httpPort}/api/namespaces/gpt-test/entries`);
    return ((await res.json()) as EntryList).items;
  };

  it('reaches the cache, is stored with the answer and is removed before the model', async () => {
    const r = await s.post('/v1/chat/completions', chat('How do I cordon a node'), { 'x-semantic-cache-tags': 'Runbook, k8s' });
    assert.equal(r.headers.get('x-semantic-cache'), 'miss');
    await r.arrayBuffer();
    assert.equal(s.upstream.calls.at(-1)!.headers['x-semantic-cache-tags'], undefined);
    const entry = (await entries()).find((e) => e.prompt === 'How do I cordon a node');
    assert.deepEqual(entry?.tags, ['runbook', 'k8s']);
    assert.equal(entry?.modelRevision, 'gpt-test');
  });

  it('a malformed header fails nothing: the answer is stored untagged and the server logs why, once', async () => {
    for (const prompt of ['How do I uncordon a node', 'How do I taint a node']) {
      const r = await s.post('/v1/chat/completions', chat(prompt), { 'x-semantic-cache-tags': 'has space,ok' });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-semantic-cache'), 'miss');
      await r.arrayBuffer();
      assert.equal(s.upstream.calls.at(-1)!.headers['x-semantic-cache-tags'], undefined);
    }
    const stored = await entries();
    for (const prompt of ['How do I uncordon a node', 'How do I taint a node']) {
      assert.deepEqual(stored.find((e) => e.prompt === prompt)?.tags, [], prompt);
    }
    const lines = s.server.logs.filter((l) => l.msg.startsWith('x-semantic-cache-tags header ignored'));
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.reason, 'bad-characters');
    const metrics = await (await fetch(`http://127.0.0.1:${s.server.httpPort}/metrics`)).text();
    assert.match(metrics, /semcache_tags_ignored_total\{reason="bad-characters"\} 2/, '/metrics counts each');
    const hit = await s.post('/v1/chat/completions', chat('How do I taint a node'));
    assert.equal(hit.headers.get('x-semantic-cache'), 'hit-exact');
  });
});
