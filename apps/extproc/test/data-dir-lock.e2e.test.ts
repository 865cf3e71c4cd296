import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EnvoyClient, FakeUpstream, type EnvoyResponse } from '@semcache/testkit';
import { spawnServer, stopServer, type ServerProcess } from './server-process.ts';

/** Each question in its own conversation, so none is a semantic hit for another. */
function ask(envoy: EnvoyClient, tag: string): Promise<EnvoyResponse> {
  return envoy.send({
    path: '/v1/chat/completions',
    body: JSON.stringify({ model: 'gpt-locked', messages: [{ role: 'system', content: `conversation ${tag}` }, { role: 'user', content: `What is ${tag}?` }] }),
  });
}

describe('two server processes on one DATA_DIR', () => {
  let upstream: FakeUpstream;
  let dir: string;
  const running = new Set<{ server: ServerProcess; envoy: EnvoyClient }>();

  const start = async () => {
    const server = await spawnServer({ DATA_DIR: dir, DATA_DIR_LOCK_STALE_MS: '2000' });
    const s = { server, envoy: new EnvoyClient({ target: `127.0.0.1:${server.grpcPort}`, upstream: upstream.url }) };
    running.add(s);
    return s;
  };
  const stop = async (s: { server: ServerProcess; envoy: EnvoyClient }) => {
    running.delete(s);
    s.envoy.close();
    return stopServer(s.server);
  };

  before(async () => {
    upstream = await new FakeUpstream().start();
    dir = await mkdtemp(join(tmpdir(), 'semcache-lock-'));
  });
  after(async () => {
    for (const s of running) await stop(s);
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the second says the directory is taken and serves from memory; the first one\'s entries survive both', async () => {
    const a = await start();
    for (const tag of ['a1', 'a2', 'a3']) assert.equal((await ask(a.envoy, tag)).headers['x-semantic-cache'], 'miss');

    const b = await start();
    const refusal = b.server.logs.find((l) => /in use by another semcache process/.test(l.msg));
    assert.ok(refusal, 'the second process says so');
    assert.equal(refusal.level, 50);
    assert.match(refusal.msg, new RegExp(`pid ${a.server.child.pid}`), 'and names the holder');
    assert.match(refusal.msg, /without persistence/);
    const metrics = await (await fetch(`http://127.0.0.1:${b.server.httpPort}/metrics`)).text();
    assert.match(metrics, /semcache_store_load_problems_total\{store="snapshot",kind="locked"\} 1/);
    assert.equal((await ask(b.envoy, 'a1')).headers['x-semantic-cache'], 'miss', 'it loaded nothing of the first');
    assert.equal((await ask(b.envoy, 'b1')).headers['x-semantic-cache'], 'miss');
    assert.equal((await ask(b.envoy, 'b1')).headers['x-semantic-cache'], 'hit-exact', 'it still caches, in memory');

    assert.equal(await stop(b), 0);
    assert.equal(await stop(a), 0);
    const c = await start();
    assert.ok(!c.server.logs.some((l) => /in use by another/.test(l.msg)), 'the lock was released at exit');
    for (const tag of ['a1', 'a2', 'a3']) assert.equal((await ask(c.envoy, tag)).headers['x-semantic-cache'], 'hit-exact', tag);
    assert.equal((await ask(c.envoy, 'b1')).headers['x-semantic-cache'], 'miss', 'the second wrote nothing to the directory');
  });

  it('a start after kill -9 takes the dead process\'s lock over once it is stale', async () => {
    const [c] = [...running];
    c!.server.child.kill('SIGKILL');
    await c!.server.exited;
    running.delete(c!);
    c!.envoy.close();
    const d = await start();
    assert.ok(!d.server.logs.some((l) => /in use by another/.test(l.msg)));
    assert.equal((await ask(d.envoy, 'a1')).headers['x-semantic-cache'], 'hit-exact');
  });
});
