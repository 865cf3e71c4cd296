import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { newestEnvoy, REPO_ROOT } from '@semcache/testkit';
import { startEnvoyStack, type EnvoyStack } from './envoy-stack.ts';

const binary = newestEnvoy();
/** The listener's per_connection_buffer_limit_bytes as shipped: the largest BUFFERED body Envoy holds. */
const LIMIT = Number(/per_connection_buffer_limit_bytes: (\d+)/.exec(readFileSync(`${REPO_ROOT}deploy/envoy.yaml`, 'utf8'))![1]);

const chat = (content: string) => ({ model: 'gpt-test', messages: [{ role: 'user', content }] });
const prompt = (bytes: number) => 'Summarise this log: '.padEnd(bytes, 'pod restarted; ');

describe(`Envoy ${binary.version} on deploy/envoy.yaml: prompts of several MB`, () => {
  let s: EnvoyStack;
  before(async () => { s = await startEnvoyStack(binary); });
  after(async () => { await s.close(); });

  it(`a ${(LIMIT * 0.6 / 2 ** 20).toFixed(1)} MiB prompt (within the ${LIMIT / 2 ** 20} MiB buffer limit) reaches the model whole and its answer the client`, async () => {
    const body = chat(prompt(Math.floor(LIMIT * 0.6)));
    const r = await s.post('/v1/chat/completions', body);
    assert.equal(r.status, 200);
    const answer = await r.json() as { choices: { message: { content: string } }[] };
    assert.match(answer.choices[0]!.message.content, /^Answer #1 to: Summarise this log/);
    assert.deepEqual(s.upstream.calls.at(-1)!.body, body);
  });

  it('a prompt above the buffer limit gets the 413 Envoy promises and never reaches the model', async () => {
    const calls = s.upstream.calls.length;
    const r = await s.post('/v1/chat/completions', chat(prompt(LIMIT + 2 ** 20)));
    assert.equal(r.status, 413);
    await r.arrayBuffer();
    assert.equal(s.upstream.calls.length, calls);
  });

  it('the cache keeps serving afterwards: a miss, then a hit', async () => {
    const miss = await s.post('/v1/chat/completions', chat('What is a ConfigMap'));
    assert.equal(miss.headers.get('x-semantic-cache'), 'miss');
    await miss.arrayBuffer();
    const hit = await s.post('/v1/chat/completions', chat('What is a ConfigMap'));
    assert.equal(hit.headers.get('x-semantic-cache'), 'hit-exact');
    await hit.arrayBuffer();
    const stats = await s.extProcStats();
    assert.equal(stats.streams_failed ?? 0, 0);
    assert.equal(stats.failure_mode_allowed ?? 0, 0);
  });
});
