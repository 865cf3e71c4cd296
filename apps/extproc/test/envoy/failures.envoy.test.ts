import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { newestEnvoy, REPO_ROOT } from '@semcache/testkit';
import { FakePredictor } from '../fake-predictor.ts';
import { startEnvoyStack, type EnvoyStack } from './envoy-stack.ts';

const binary = newestEnvoy();
const MESSAGE_TIMEOUT_MS = 1000 * Number(/message_timeout: (\d+)s/.exec(readFileSync(`${REPO_ROOT}deploy/envoy.yaml`, 'utf8'))![1]);

const chat = (content: string) => ({ model: 'gpt-test', messages: [{ role: 'user', content }] });

async function ask(s: EnvoyStack, content: string): Promise<{ status: number; cache: string | null; text: string }> {
  const r = await s.post('/v1/chat/completions', chat(content));
  const body = await r.json() as { choices: { message: { content: string } }[] };
  return { status: r.status, cache: r.headers.get('x-semantic-cache'), text: body.choices[0]!.message.content };
}

describe(`Envoy ${binary.version} on deploy/envoy.yaml: the cache process killed and started again`, () => {
  let s: EnvoyStack;
  before(async () => { s = await startEnvoyStack(binary); });
  after(async () => { await s.close(); });

  it('with the cache down the model answers every request (failure_mode_allow), no client error', async () => {
    assert.equal((await ask(s, 'What is a Service')).cache, 'miss');
    await s.killServer();
    for (let i = 0; i < 5; i++) {
      const r = await ask(s, 'What is a Service');
      assert.equal(r.status, 200);
      assert.equal(r.cache, null, 'no cache header: the cache never saw the request');
      assert.match(r.text, /^Answer #\d+ to: What is a Service/);
    }
    assert.equal(s.upstream.calls.length, 6);
    const stats = await s.extProcStats();
    assert.ok((stats.failure_mode_allowed ?? 0) >= 5, `failure_mode_allowed ${stats.failure_mode_allowed}`);
  });

  it('with the cache back on the same port, Envoy (not restarted) gets misses stored and hits again', async () => {
    const pid = s.envoy.child.pid;
    await s.restartServer();
    // Envoy reconnects on the next request (or, had its health checks marked the cache down, after the next one
    // that passes, within 5 s); until then requests still pass through to the model.
    let first = await ask(s, 'What is an Ingress');
    for (let i = 0; first.cache !== 'miss' && i < 150; i++) {
      await new Promise((r) => setTimeout(r, 100));
      first = await ask(s, 'What is an Ingress');
    }
    assert.equal(first.cache, 'miss');
    const hit = await ask(s, 'What is an Ingress');
    assert.equal(hit.cache, 'hit-exact');
    assert.equal(hit.text, first.text);
    assert.equal(s.envoy.child.pid, pid);
    assert.equal(s.envoy.child.exitCode, null);
  });
});

describe(`Envoy ${binary.version} on deploy/envoy.yaml: an embedder slower than message_timeout`, () => {
  let s: EnvoyStack;
  let predictor: FakePredictor;
  before(async () => {
    predictor = await new FakePredictor().start();
    s = await startEnvoyStack(binary, {
      serverEnv: {
        EMBEDDER: 'openai', EMBEDDING_MODEL_SERVER: `${predictor.url}/v1/embeddings`, EMBEDDING_MODEL: 'fake',
        // Above Envoy's message_timeout on purpose: the operator mistake this test is about.
        EMBEDDING_TIMEOUT_MS: String(MESSAGE_TIMEOUT_MS * 3),
      },
    });
  });
  after(async () => {
    await s.close();
    await predictor.close();
  });

  it('the request passes through to the model after message_timeout, with no client error', async () => {
    predictor.delayMs = MESSAGE_TIMEOUT_MS + 4000;
    const started = Date.now();
    const r = await ask(s, 'What is a StatefulSet');
    const took = Date.now() - started;
    assert.equal(r.status, 200);
    assert.match(r.text, /^Answer #1 to: What is a StatefulSet/);
    assert.ok(took >= MESSAGE_TIMEOUT_MS && took < MESSAGE_TIMEOUT_MS + 2500, `answered after ${took} ms: at Envoy's timeout, not the embedder's`);
    const stats = await s.extProcStats();
    assert.equal(stats.message_timeouts, 1);
    assert.equal(stats.failure_mode_allowed, 1);
  });

  it('with the embedder fast again, the cache answers as usual', async () => {
    predictor.delayMs = 0;
    assert.equal((await ask(s, 'What is a ReplicaSet')).cache, 'miss');
    assert.equal((await ask(s, 'What is a ReplicaSet')).cache, 'hit-exact');
  });
});

describe(`Envoy ${binary.version} on deploy/envoy.yaml: a model server that closes idle connections after 5 s (uvicorn's default)`, () => {
  let s: EnvoyStack;
  before(async () => { s = await startEnvoyStack(binary, { upstreamKeepAliveMs: 5000 }); });
  after(async () => { await s.close(); });

  it('Envoy closes the idle connection first, so no request is sent on a connection the server is closing (a 503)', async () => {
    assert.equal((await ask(s, 'What is a ReplicaSet')).status, 200);
    await new Promise((r) => setTimeout(r, 4600));
    const stats = await s.envoy.stats('cluster.llm_backend.upstream_cx_');
    assert.equal(stats['cluster.llm_backend.upstream_cx_idle_timeout'], 1);
    assert.equal(stats['cluster.llm_backend.upstream_cx_destroy_remote'], 0);
    assert.equal((await ask(s, 'What is a StatefulSet')).status, 200);
  });
});

describe(`Envoy ${binary.version} on deploy/envoy.yaml: the cache process hung (SIGSTOP), its connections open`, () => {
  let s: EnvoyStack;
  before(async () => { s = await startEnvoyStack(binary); });
  after(async () => {
    s.server.child.kill('SIGCONT');
    await s.close();
  });

  const timed = async (content: string) => {
    const t0 = performance.now();
    const r = await ask(s, content);
    return { ...r, ms: performance.now() - t0 };
  };

  it('requests wait at most message_timeout until the health checks find it, then go straight to the model', async () => {
    assert.equal((await ask(s, 'What is a DaemonSet')).cache, 'miss');
    s.server.child.kill('SIGSTOP');
    const deadline = Date.now() + 30_000;
    let fast = 0;
    for (let i = 0; fast < 3 && Date.now() < deadline; i++) {
      const r = await timed(`What is job ${i}`);
      assert.equal(r.status, 200);
      assert.equal(r.cache, null, 'the model answered, the cache never did');
      assert.ok(r.ms < MESSAGE_TIMEOUT_MS + 1000, `${r.ms} ms`);
      fast = r.ms < 1000 ? fast + 1 : 0;
    }
    assert.equal(fast, 3, 'three requests in a row pass at once, without waiting for the hung cache');
  });

  it('once it runs again, a health check brings it back: the earlier answer is a hit', async () => {
    s.server.child.kill('SIGCONT');
    const deadline = Date.now() + 20_000;
    let r = await ask(s, 'What is a DaemonSet');
    while (r.cache !== 'hit-exact' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      r = await ask(s, 'What is a DaemonSet');
    }
    assert.equal(r.cache, 'hit-exact');
  });
});
