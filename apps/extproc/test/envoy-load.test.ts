import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { PROCESS_METHOD } from '@semcache/proto';
import { EnvoyClient } from '@semcache/testkit';
import { startHarness, type Harness } from './harness.ts';

/** Runs `total` requests with at most `concurrency` in flight; returns how many did not come back as hits. */
async function hammer(client: EnvoyClient, total: number, concurrency: number, body: string): Promise<{ notHits: number; statuses: Map<number, number> }> {
  let next = 0;
  let notHits = 0;
  const statuses = new Map<number, number>();
  const worker = async (): Promise<void> => {
    while (next < total) {
      next++;
      const r = await client.send({ path: '/v1/chat/completions', body });
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      if (r.source !== 'immediate') notHits++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { notHits, statuses };
}

const body = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'What is an ext_proc filter?' }] });

describe("Envoy's load pattern: a reset (or half-close) at the end of every stream", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await h.envoy.send({ path: '/v1/chat/completions', body });
  });
  after(async () => { await h.close(); });

  for (const closeMode of ['reset', 'half-close'] as const) {
    it(`answers 20,000 hit streams at concurrency 64 with none failed (${closeMode})`, async () => {
      const client = new EnvoyClient({ target: `127.0.0.1:${h.server.grpcPort}`, upstream: h.upstream.url, closeMode });
      try {
        const { notHits, statuses } = await hammer(client, 20_000, 64, body);
        // Let the last streams' closing statuses arrive before counting failures.
        await new Promise((r) => setTimeout(r, 200));
        assert.deepEqual([...statuses], [[200, 20_000]]);
        assert.equal(notHits, 0);
        assert.deepEqual(client.failures, []);
      } finally {
        client.close();
      }
    });
  }

  it('survives 20,000 streams reset mid-request (clients hanging up) mixed with hits on one connection', async () => {
    const client = new EnvoyClient({ target: `127.0.0.1:${h.server.grpcPort}`, upstream: h.upstream.url });
    try {
      let next = 0;
      let notHits = 0;
      await Promise.all(Array.from({ length: 64 }, async (_, worker) => {
        while (next < 20_000) {
          next++;
          if (worker % 2 === 0) await client.hangUpAfterHeaders({ path: '/v1/chat/completions' });
          else if ((await client.send({ path: '/v1/chat/completions', body })).source !== 'immediate') notHits++;
        }
      }));
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(notHits, 0);
      assert.deepEqual(client.failures, []);
    } finally {
      client.close();
    }
  });

  it('cuts off a client that floods resets, while another client on its own connection sees no failure', async () => {
    const limited = await startHarness({ 'grpc.streamResetBurst': 3000, 'grpc.streamResetRate': 1000 });
    try {
      await limited.envoy.send({ path: '/v1/chat/completions', body });
      const flooder = http2.connect(`http://127.0.0.1:${limited.server.grpcPort}`);
      flooder.on('error', () => {});
      const cutOff = new Promise<boolean>((resolve) => {
        flooder.on('goaway', () => resolve(true));
        flooder.on('close', () => resolve(true));
        setTimeout(() => resolve(false), 15_000).unref();
      });
      let sent = 0;
      const flood = async (): Promise<void> => {
        while (!flooder.closed && !flooder.destroyed && sent < 200_000) {
          for (let i = 0; i < 200 && !flooder.destroyed; i++, sent++) {
            try {
              const s = flooder.request({ ':method': 'POST', ':path': PROCESS_METHOD, 'content-type': 'application/grpc', te: 'trailers' });
              s.on('error', () => {});
              s.close(http2.constants.NGHTTP2_CANCEL);
            } catch {
              return;
            }
          }
          await new Promise((r) => setImmediate(r));
        }
      };
      const [wasCutOff, good] = await Promise.all([cutOff, hammer(limited.envoy, 2000, 16, body), flood()]);
      assert.equal(wasCutOff, true, `the flooding connection was closed after ${sent} resets`);
      assert.equal(good.notHits, 0);
      assert.deepEqual(limited.envoy.failures, []);
      const afterwards = await limited.envoy.send({ path: '/v1/chat/completions', body });
      assert.equal(afterwards.headers['x-semantic-cache'], 'hit-exact', 'the server still serves');
      flooder.destroy();
    } finally {
      await limited.close();
    }
  });
});
