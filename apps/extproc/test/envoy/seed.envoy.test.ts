import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { allEnvoys } from '@semcache/testkit';
import { startEnvoyStack, type EnvoyStack } from './envoy-stack.ts';

for (const binary of allEnvoys()) {
  describe(`Envoy ${binary.version} on deploy/envoy.yaml: the seed scenario through the openai client`, () => {
    let s: EnvoyStack;
    before(async () => { s = await startEnvoyStack(binary); });
    after(async () => { await s.close(); });

    const ask = (content: string) =>
      s.openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content }] }).withResponse();

    it('a miss, then a semantic hit and an exact hit that never reach the model, with the cache headers', async () => {
      const miss = await ask('What is Kubernetes');
      assert.equal(miss.response.headers.get('x-semantic-cache'), 'miss');
      assert.equal(s.upstream.calls.length, 1);
      const answer = miss.data.choices[0]!.message.content;
      assert.match(answer ?? '', /Answer #1 to: What is Kubernetes/);

      const semantic = await ask('Kubernetes what is it anyway');
      assert.equal(semantic.response.status, 200);
      assert.equal(semantic.response.headers.get('x-semantic-cache'), 'hit-semantic');
      assert.equal(semantic.response.headers.get('content-type'), 'application/json');
      const similarity = Number(semantic.response.headers.get('x-semantic-cache-similarity'));
      assert.ok(similarity >= 0.78 && similarity < 1, `similarity ${similarity}`);
      const entry = semantic.response.headers.get('x-semantic-cache-entry');
      assert.ok(entry, 'the entry id reaches the client');
      assert.match(semantic.response.headers.get('age') ?? '', /^\d+$/);
      assert.equal(semantic.data.choices[0]!.message.content, answer);

      const exact = await ask('Kubernetes what is it anyway');
      assert.equal(exact.response.headers.get('x-semantic-cache'), 'hit-exact');
      assert.equal(exact.response.headers.get('x-semantic-cache-entry'), entry);
      assert.equal(exact.data.choices[0]!.message.content, answer);
      assert.equal(s.upstream.calls.length, 1, 'neither hit reached the model');
    });

    it('Envoy counts one ext_proc stream per request and no failure', async () => {
      const stats = await s.extProcStats();
      assert.equal(stats.streams_started, 3);
      assert.equal(stats.streams_failed ?? 0, 0);
      assert.equal(stats.failure_mode_allowed ?? 0, 0);
      assert.equal(stats.message_timeouts ?? 0, 0);
      assert.equal(stats.spurious_msgs_received ?? 0, 0);
    });
  });
}
