import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { allEnvoys, keepAlivePost, newestEnvoy } from '@semcache/testkit';
import { startEnvoyStack, type EnvoyStack } from './envoy-stack.ts';

const TOTAL = 20_000;
const CONCURRENCY = 64;
/** One request in this many asks a new question (a miss that goes to the model and is stored); the rest hit. */
const MISS_EVERY = 8;
const FLAG = 'envoy.reloadable_features.ext_proc_graceful_grpc_close';
/** Envoy merges this over the shipped file: a later runtime layer wins. */
const GRACEFUL_OFF = JSON.stringify({ layered_runtime: { layers: [{ name: 'test-graceful-off', static_layer: { [FLAG]: false } }] } });

const body = (content: string) => JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content }] });
const HOT = ['What is a Pod', 'What is a Deployment', 'What is a Service', 'What is a Namespace'];

for (const binary of allEnvoys()) {
  for (const graceful of [true, false]) {
    describe(`Envoy ${binary.version}, graceful gRPC close ${graceful ? 'on (as shipped)' : 'off'}: ${TOTAL} requests at concurrency ${CONCURRENCY}`, () => {
      let s: EnvoyStack;
      before(async () => {
        s = await startEnvoyStack(binary, graceful ? {} : { overlayYaml: GRACEFUL_OFF });
        for (const q of HOT) await (await s.post('/v1/chat/completions', body(q))).arrayBuffer();
      });
      after(async () => { await s.close(); });

      it(`runs with the flag ${graceful ? 'on' : 'off'}`, async () => {
        const runtime = await (await fetch(`${s.envoy.adminUrl}/runtime`)).json() as { entries: Record<string, { final_value: string }> };
        assert.equal(runtime.entries[FLAG]?.final_value, String(graceful));
      });

      it('every request answered 200, every hit served from the cache, and Envoy counts no ext_proc failure', async () => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
        const url = new URL(`${s.envoy.url}/v1/chat/completions`);
        const statuses = new Map<number, number>();
        const errors: string[] = [];
        let wrongOutcome = 0;
        let next = 0;
        await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
          while (next < TOTAL) {
            const i = next++;
            const miss = i % MISS_EVERY === 0;
            try {
              const r = await keepAlivePost(agent, url, body(miss ? `What does request ${i} ask` : HOT[i % HOT.length]!));
              statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
              if (r.cache !== (miss ? 'miss' : 'hit-exact')) wrongOutcome++;
            } catch (err) {
              errors.push((err as Error).message);
            }
          }
        }));
        agent.destroy();
        assert.deepEqual(errors, []);
        if (statuses.size !== 1) {
          // Envoy's response code details say which hop failed (an upstream reset, the ext_proc stream, ...).
          const failed = (await s.settledAccessLog()).filter((line) => !line.includes('" 200 '));
          assert.fail(`statuses ${JSON.stringify([...statuses])}; Envoy logged:\n${failed.join('\n')}`);
        }
        assert.equal(wrongOutcome, 0, 'a hit that fell back to the model or a miss that was not looked up');
        assert.equal(s.upstream.calls.length, HOT.length + TOTAL / MISS_EVERY);
        const stats = await s.extProcStats();
        assert.equal(stats.streams_started, TOTAL + HOT.length);
        assert.equal(stats.streams_failed ?? 0, 0);
        assert.equal(stats.failure_mode_allowed ?? 0, 0);
        assert.equal(stats.message_timeouts ?? 0, 0);
        assert.equal(stats.spurious_msgs_received ?? 0, 0);
      });
    });
  }
}

const IN_FLIGHT = 1_100;

describe(`Envoy ${newestEnvoy().version} on deploy/envoy.yaml: ${IN_FLIGHT} requests in flight at once, more than Envoy's default circuit breaker (1,024)`, () => {
  let s: EnvoyStack;
  before(async () => { s = await startEnvoyStack(newestEnvoy()); });
  after(async () => { await s.close(); });

  it('every request is looked up and stored: none passes uncached for want of an ext_proc stream', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    // The model holds every answer, as a slow one does, so that each request keeps its ext_proc stream open.
    s.upstream.handler = async (call) => { await held; return s.upstream.answer(call); };
    const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    const url = new URL(`${s.envoy.url}/v1/chat/completions`);
    const answers = Array.from({ length: IN_FLIGHT }, (_, i) => keepAlivePost(agent, url, body(`What does held request ${i} ask`)));
    const deadline = Date.now() + 20_000;
    let during = await s.extProcStats();
    // Wait until Envoy has opened (or failed to open) a stream for every request.
    while ((during.streams_started ?? 0) + (during.streams_failed ?? 0) < IN_FLIGHT && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      during = await s.extProcStats();
    }
    release();
    const outcomes = new Map<string, number>();
    for (const r of await Promise.all(answers)) outcomes.set(`${r.status} ${r.cache}`, (outcomes.get(`${r.status} ${r.cache}`) ?? 0) + 1);
    agent.destroy();
    assert.equal(during.streams_started, IN_FLIGHT);
    assert.deepEqual([...outcomes], [[`200 miss`, IN_FLIGHT]]);
    const after = await s.extProcStats();
    assert.equal(after.failure_mode_allowed ?? 0, 0);
    assert.equal(after.streams_failed ?? 0, 0);
  });
});
