import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { allEnvoys, keepAlivePost, type PostOutcome } from '@semcache/testkit';
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
