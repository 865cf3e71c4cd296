import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { allEnvoys, newestEnvoy, REPO_ROOT, type UpstreamReply } from '@semcache/testkit';
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

  it('a prompt far above the buffer limit reaches the model whole, twice, uncached (BUFFERED_PARTIAL: no 413)', async () => {
    const calls = s.upstream.calls.length;
    const tooLarge = await counted(s, 'semcache_requests_uncacheable_total', 'too-large');
    // Three times the limit: Envoy sends the cache what it holds when its buffer fills, never the end of this body.
    const body = chat(prompt(3 * LIMIT));
    for (let i = 0; i < 2; i++) {
      const r = await s.post('/v1/chat/completions', body);
      assert.equal(r.status, 200, 'BUFFERED would have made this a 413');
      assert.equal(r.headers.get('x-semantic-cache'), null, 'never looked up');
      await r.arrayBuffer();
      assert.deepEqual(s.upstream.calls.at(-1)!.body, body);
    }
    assert.equal(s.upstream.calls.length, calls + 2);
    assert.equal(await counted(s, 'semcache_requests_uncacheable_total', 'too-large'), tooLarge + 2);
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

/** A chat answer whose text is `bytes` long; sent with a content-length, or chunked without one. */
function bigAnswer(s: EnvoyStack, bytes: number, chunked: boolean) {
  s.upstream.handler = (call) => {
    const answer = (s.upstream.answer(call) as UpstreamReply).body as { choices: { message: { content: string } }[] };
    answer.choices[0]!.message.content = 'kubectl logs '.padEnd(bytes, 'x');
    if (!chunked) return { body: answer };
    const text = JSON.stringify(answer);
    const chunks: string[] = [];
    for (let at = 0; at < text.length; at += 65_536) chunks.push(text.slice(at, at + 65_536));
    return { chunks, headers: { 'content-type': 'application/json' } };
  };
}

/** A counter of the cache's /metrics, by its reason label. */
async function counted(s: EnvoyStack, metric: string, reason: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${s.server.httpPort}/metrics`)).text();
  return Number(new RegExp(`^${metric}\\{reason="${reason}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
}

for (const envoy of allEnvoys()) {
    describe(`Envoy ${envoy.version} on deploy/envoy.yaml: answers of several MB`, () => {
    let s: EnvoyStack;
    before(async () => { s = await startEnvoyStack(envoy); });
    after(async () => { await s.close(); });

    for (const chunked of [false, true]) {
      it(`an answer above the ${LIMIT / 2 ** 20} MiB buffer limit (${chunked ? 'chunked' : 'with a content-length'}) reaches the client whole, twice, and is not stored`, async () => {
        bigAnswer(s, LIMIT + 2 ** 20, chunked);
        const question = chat(`Show me the ${chunked ? 'chunked' : 'long'} log`);
        const calls = s.upstream.calls.length;
        const skipped = await counted(s, 'semcache_store_skips_total', 'too-large');
        for (let i = 0; i < 2; i++) {
          const r = await s.post('/v1/chat/completions', question);
          assert.equal(r.status, 200, 'BUFFERED would have made this a 500 (response_payload_too_large)');
          assert.equal(r.headers.get('x-semantic-cache'), 'miss');
          const answer = await r.json() as { choices: { message: { content: string } }[] };
          assert.equal(answer.choices[0]!.message.content.length, LIMIT + 2 ** 20);
        }
        assert.equal(s.upstream.calls.length, calls + 2);
        assert.equal(await counted(s, 'semcache_store_skips_total', 'too-large'), skipped + 2);
        const stats = await s.extProcStats();
        assert.equal(stats.streams_failed ?? 0, 0);
        assert.equal(stats.failure_mode_allowed ?? 0, 0);
      });
    }

    it('an answer of 3 MiB (within both limits) is stored, and its hit is the same bytes', async () => {
      bigAnswer(s, 3 * 2 ** 20, true);
      const question = chat('Show me the medium log');
      const miss = await s.post('/v1/chat/completions', question);
      assert.equal(miss.headers.get('x-semantic-cache'), 'miss');
      const first = await miss.text();
      const hit = await s.post('/v1/chat/completions', question);
      assert.equal(hit.headers.get('x-semantic-cache'), 'hit-exact');
      assert.equal(await hit.text(), first);
    });
  });
}
