import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { newestEnvoy } from '@semcache/testkit';
import { startEnvoyStack, type EnvoyStack } from './envoy-stack.ts';

/** A namespace that has made no checks yet sends every would-be hit to the model: no random draw involved. */
const ONLINE = { CACHE_ONLINE: 'true', CACHE_ERROR_BOUND: '0.02', CACHE_MAX_EXPLORE_RATE: '1' };

describe('Envoy on deploy/envoy.yaml: online verification sends a would-be hit to the model', () => {
  let s: EnvoyStack;
  before(async () => { s = await startEnvoyStack(newestEnvoy(), { serverEnv: ONLINE }); });
  after(async () => { await s.close(); });

  const ask = (content: string) =>
    s.openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content }] }).withResponse();

  async function checksCounted(): Promise<number> {
    const metrics = await (await fetch(`http://127.0.0.1:${s.server.httpPort}/metrics`)).text();
    return [...metrics.matchAll(/^semcache_online_checks_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  }

  it('answers with the model and x-semantic-cache: verify, and compares that answer with the cached one', async () => {
    const miss = await ask('What is Kubernetes');
    assert.equal(miss.response.headers.get('x-semantic-cache'), 'miss');

    const verify = await ask('Kubernetes what is it anyway');
    assert.equal(verify.response.status, 200);
    assert.equal(verify.response.headers.get('x-semantic-cache'), 'verify');
    assert.equal(s.upstream.calls.length, 2, 'the would-be hit reached the model');
    assert.match(verify.data.choices[0]!.message.content ?? '', /Answer #2 to: Kubernetes what is it anyway/);

    const deadline = Date.now() + 5000;
    while ((await checksCounted()) < 1) {
      if (Date.now() > deadline) assert.fail('the check of the cached answer was not counted within 5 s');
      await sleep(50);
    }
    const stats = await s.extProcStats();
    assert.equal(stats.streams_failed ?? 0, 0);
    assert.equal(stats.failure_mode_allowed ?? 0, 0);
  });
});
