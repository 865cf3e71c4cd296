import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EnvoyClient, FakeUpstream, type EnvoyResponse } from '@semcache/testkit';
import { spawnServer, stopServer, type ServerProcess } from './server-process.ts';

/** Each question in its own conversation (a distinct system prompt), so none is a semantic hit for another. */
function ask(envoy: EnvoyClient, i: number): Promise<EnvoyResponse> {
  return envoy.send({
    path: '/v1/chat/completions',
    body: JSON.stringify({
      model: 'gpt-durable',
      messages: [{ role: 'system', content: `conversation ${i}` }, { role: 'user', content: `What is the answer to question ${i}?` }],
    }),
  });
}

describe('a durable cache on one replica (real server processes, a data directory)', () => {
  let upstream: FakeUpstream;
  let dir: string;
  const running = new Set<ServerProcess>();
  const clients = new Set<EnvoyClient>();

  const start = async (): Promise<{ server: ServerProcess; envoy: EnvoyClient }> => {
    const server = await spawnServer({ DATA_DIR: dir });
    running.add(server);
    void server.exited.then(() => running.delete(server));
    const envoy = new EnvoyClient({ target: `127.0.0.1:${server.grpcPort}`, upstream: upstream.url });
    clients.add(envoy);
    return { server, envoy };
  };
  const stop = async (s: { server: ServerProcess; envoy: EnvoyClient }): Promise<number | string> => {
    s.envoy.close();
    return stopServer(s.server);
  };

  before(async () => {
    upstream = await new FakeUpstream().start();
    dir = await mkdtemp(join(tmpdir(), 'semcache-durable-'));
  });
  after(async () => {
    for (const c of clients) c.close();
    for (const s of running) s.child.kill('SIGKILL');
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers the same prompts from the cache after SIGTERM and a restart, without calling the model', async () => {
    const first = await start();
    for (let i = 0; i < 30; i++) assert.equal((await ask(first.envoy, i)).source, 'upstream');
    assert.equal((await ask(first.envoy, 0)).headers['x-semantic-cache'], 'hit-exact');
    assert.equal(await stop(first), 0, 'a clean exit');

    const calls = upstream.calls.length;
    const second = await start();
    for (let i = 0; i < 30; i++) {
      const r = await ask(second.envoy, i);
      assert.equal(r.source, 'immediate', `question ${i} is answered from the cache`);
      assert.match(r.body.toString(), new RegExp(`question ${i}\\?`));
    }
    assert.equal(upstream.calls.length, calls, 'the model was not called again');
    assert.equal(await stop(second), 0);
  });

  it('after kill -9 mid-traffic, starts usable and has lost at most the last second of new answers', async () => {
    const s = await start();
    const storedAt = new Map<number, number>();
    let next = 1000;
    let killedAt = 0;
    const failures: unknown[] = [];
    // Four clients keep storing new answers until the process dies under them.
    const worker = async (): Promise<void> => {
      while (killedAt === 0) {
        const i = next++;
        const r = await ask(s.envoy, i).catch((err: unknown) => err);
        if (killedAt !== 0) return;
        if ((r as EnvoyResponse).source === 'upstream') storedAt.set(i, Date.now());
        else failures.push(r);
      }
    };
    const workers = Promise.all([worker(), worker(), worker(), worker()]);
    // Long enough that part of the traffic is more than a second old when the kill comes.
    const began = Date.now();
    while (storedAt.size < 50 || Date.now() - began < 2500) await new Promise((r) => setTimeout(r, 50));
    s.server.child.kill('SIGKILL');
    killedAt = Date.now();
    assert.equal(await s.server.exited, 'SIGKILL');
    await workers;
    s.envoy.close();
    assert.deepEqual(failures, [], 'every request before the kill went to the model and was stored');

    const again = await start();
    const early = [...storedAt].filter(([, at]) => at < killedAt - 1000).map(([i]) => i);
    assert.ok(early.length > 0, 'some answers were stored more than a second before the kill');
    const calls = upstream.calls.length;
    for (const i of early) assert.equal((await ask(again.envoy, i)).source, 'immediate', `question ${i}, stored > 1 s before the kill, survived`);
    assert.equal(upstream.calls.length, calls);
    const fresh = await ask(again.envoy, 99_999);
    assert.equal(fresh.source, 'upstream');
    assert.equal((await ask(again.envoy, 99_999)).source, 'immediate', 'the recovered cache stores and serves new answers');
    assert.equal(await stop(again), 0);
  });

  it('reports a truncated snapshot at start and starts with what it could recover', async () => {
    const snapshot = join(dir, 'snapshot.bin');
    await truncate(snapshot, Math.floor((await stat(snapshot)).size / 2));

    const s = await start();
    const warning = s.server.logs.find((l) => l.problem === 'damaged-file');
    assert.ok(warning, 'the damage is reported');
    assert.equal(warning.level, 40, 'as a warning');
    assert.match(warning.msg, /snapshot\.bin: file ends inside a record/);
    assert.ok((await readdir(dir)).some((n) => n.startsWith('snapshot.bin.damaged-')), 'the damaged file is kept for inspection');
    const loaded = s.server.logs.find((l) => l.msg === 'cache loaded from the data directory');
    assert.ok(typeof loaded?.entries === 'number' && loaded.entries > 0, 'part of the cache was recovered');

    let hits = 0;
    for (let i = 0; i < 30; i++) if ((await ask(s.envoy, i)).source === 'immediate') hits++;
    assert.ok(hits > 0, 'recovered answers are served');
    assert.equal(await stop(s), 0);
  });
});
