import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EntryDetail, EntryList, EpochResult, EvictionResult, NamespaceInfo } from '@semcache/shared';
import { EnvoyClient, FakeUpstream, openAiAnswer } from '@semcache/testkit';
import { adminApi } from './admin-http.ts';
import { startHarness, type Harness } from './harness.ts';
import { spawnServer, stopServer, type ServerProcess } from './server-process.ts';

const NS = 'gpt-test';

const entries = async (h: Harness): Promise<EntryList['items']> => (await adminApi<EntryList>(h, 'GET', `/namespaces/${NS}/entries?limit=500`)).items;
const byPrompt = async (h: Harness, prompt: string) => (await entries(h)).find((e) => e.prompt === prompt);
const tagged = (tags: string) => ({ headers: { 'x-semantic-cache-tags': tags } });

describe('targeted invalidation end to end, through the real gRPC server', () => {
  let h: Harness;
  let clock = 1_800_000_000_000;
  before(async () => {
    h = await startHarness({}, { now: () => clock });
    // An OpenAI-style upstream: answers name the dated revision of the model asked for.
    h.upstream.handler = (call) => ({
      body: { ...openAiAnswer(call, h.upstream.calls.length), model: 'gpt-test-2024-08-06', system_fingerprint: 'fp_44709d6fcb' },
    });
  });
  after(async () => { await h.close(); });

  it('stores the tags of the header with the answer, case-folded, and removes the header before the model', async () => {
    const r = await h.chat('How do I rotate TLS certificates in Envoy?', {}, tagged('Release-5, tls'));
    assert.equal(r.source, 'upstream');
    assert.equal(h.upstream.calls.at(-1)!.headers['x-semantic-cache-tags'], undefined, 'the model never sees it');
    const entry = await byPrompt(h, 'How do I rotate TLS certificates in Envoy?');
    assert.deepEqual(entry?.tags, ['release-5', 'tls']);
  });

  it("records the upstream's model revision and system fingerprint", async () => {
    const entry = await byPrompt(h, 'How do I rotate TLS certificates in Envoy?');
    assert.equal(entry?.modelRevision, 'gpt-test-2024-08-06');
    assert.equal(entry?.systemFingerprint, 'fp_44709d6fcb');
    const detail = await adminApi<EntryDetail>(h, 'GET', `/namespaces/${NS}/entries/${entry!.id}`);
    assert.equal(detail.epoch, 0);
  });

  it('a malformed tags header is ignored: the request is answered and its answer stored, untagged', async () => {
    for (const [prompt, header] of [['Best pizza in Rome', 'a,b,c,d,e,f,g,h,i'], ['Best pasta in Naples', 'not ok'], ['Best gelato in Florence', 'x'.repeat(65)]]) {
      const r = await h.chat(prompt!, {}, tagged(header!));
      assert.equal(r.status, 200);
      assert.equal(r.source, 'upstream');
      assert.equal(h.upstream.calls.at(-1)!.headers['x-semantic-cache-tags'], undefined);
      assert.deepEqual((await byPrompt(h, prompt!))?.tags, [], prompt);
      assert.equal((await h.chat(prompt!)).source, 'immediate', `${prompt} is cached`);
    }
  });

  it('a dry run by tag shows what would go and changes nothing; the real run evicts it and the model is asked again', async () => {
    await h.chat('How do I list pods in a namespace?', {}, tagged('k8s'));
    await h.chat('What does a kubelet do?', {}, tagged('k8s,release-5'));
    const dry = await adminApi<EvictionResult>(h, 'POST', `/namespaces/${NS}/evictions`, { tags: ['k8s'], dryRun: true });
    assert.equal(dry.matched, 2);
    assert.deepEqual(dry.sample.map((e) => e.prompt).sort(), ['How do I list pods in a namespace?', 'What does a kubelet do?']);
    assert.equal((await h.chat('How do I list pods in a namespace?')).source, 'immediate', 'a dry run evicts nothing');

    const real = await adminApi<EvictionResult>(h, 'POST', `/namespaces/${NS}/evictions`, { tags: ['k8s'] });
    assert.equal(real.matched, 2);
    assert.deepEqual(real.evicted.sort(), dry.sample.map((e) => e.id).sort());
    const calls = h.upstream.calls.length;
    assert.equal((await h.chat('How do I list pods in a namespace?')).source, 'upstream');
    assert.equal(h.upstream.calls.length, calls + 1);
    assert.equal((await h.chat('How do I rotate TLS certificates in Envoy?')).source, 'immediate', 'other tags stay');
  });

  it('evicts by age, by model revision and by similarity to a prompt, each criterion ANDed with the others', async () => {
    clock += 1_200_000; // 20 minutes: older than the selector below, within the TTL of an hour
    await h.chat('What is the capital of Portugal?');
    const old = await adminApi<EvictionResult>(h, 'POST', `/namespaces/${NS}/evictions`, { olderThanSeconds: 600, dryRun: true, sample: 100 });
    assert.ok(old.matched >= 4);
    assert.ok(!old.sample.some((e) => e.prompt === 'What is the capital of Portugal?'), 'the new entry is younger');

    const other = await adminApi<EvictionResult>(h, 'POST', `/namespaces/${NS}/evictions`, { modelRevision: 'gpt-test-2023-01-01', dryRun: true });
    assert.equal(other.matched, 0);
    const all = await adminApi<EvictionResult>(h, 'POST', `/namespaces/${NS}/evictions`, { modelRevision: 'gpt-test-2024-08-06', dryRun: true });
    assert.equal(all.matched, (await entries(h)).length);

    const similar = await adminApi<EvictionResult>(h, 'POST', `/namespaces/${NS}/evictions`, {
      similarTo: { prompt: 'How can I rotate the TLS certificates of Envoy?', minSimilarity: 0.6 },
    });
    assert.deepEqual(similar.sample.map((e) => e.prompt), ['How do I rotate TLS certificates in Envoy?']);
    assert.equal((await h.chat('How do I rotate TLS certificates in Envoy?')).source, 'upstream');
    assert.equal((await h.chat('Best pizza in Rome')).source, 'immediate', 'a dissimilar prompt stays');
  });

  it('an epoch flush stops every older answer at once, exact and semantic, and the next answers are served', async () => {
    const before = (await entries(h)).length;
    assert.ok(before > 0);
    const bump = await adminApi<EpochResult>(h, 'POST', `/namespaces/${NS}/epoch`);
    assert.equal(bump.epoch, 1);
    assert.equal(bump.superseded, before);
    let calls = h.upstream.calls.length;
    const r = await h.chat('Best pizza in Rome');
    assert.equal(r.source, 'upstream', 'an exact repeat of an old answer goes to the model');
    assert.equal((await h.chat('Which pizza is the best in Rome?', {}, { headers: { 'x-semantic-cache': 'no-store' } })).headers['x-semantic-cache'], 'hit-semantic',
      'a paraphrase finds only the answer stored in the new epoch');
    assert.equal(h.upstream.calls.length, calls + 1);
    calls = h.upstream.calls.length;
    assert.equal((await h.chat('What is the capital of Portugal?')).source, 'upstream');
    assert.equal((await h.chat('What is the capital of Portugal?')).source, 'immediate');
    assert.equal(h.upstream.calls.length, calls + 1);
    const ns = await adminApi<NamespaceInfo>(h, 'GET', `/namespaces/${NS}`);
    assert.equal(ns.epoch, 1);
    assert.deepEqual((await entries(h)).map((e) => e.epoch), [1, 1]);
    assert.equal(h.server.engine.namespaces.get(NS).size, 2, 'the superseded entries were reclaimed in the background');
  });
});

describe('tags and clientControls off', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ 'defaults.clientControls': 'off' }); });
  after(async () => { await h.close(); });

  it('stores no tags where the namespace trusts no client header, but still removes the header', async () => {
    await h.chat('What is a DaemonSet?', {}, tagged('sneaky'));
    assert.equal(h.upstream.calls.at(-1)!.headers['x-semantic-cache-tags'], undefined);
    assert.deepEqual((await byPrompt(h, 'What is a DaemonSet?'))?.tags, []);
  });
});

describe('an epoch flush survives a restart (data directory)', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'semcache-epoch-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('keeps the epoch, the metadata and the new answers, and never serves the old ones', async () => {
    const durable = { 'store.persist': true, 'store.dataDir': dir };
    const first = await startHarness(durable);
    await first.chat('What is a ConfigMap?', {}, tagged('k8s'));
    await first.chat('What is a Secret?', {}, tagged('k8s'));
    // Held back so that the snapshot still holds superseded entries: the load must drop them itself.
    first.server.engine.bumpEpoch(first.server.engine.namespaces.get(NS));
    await first.chat('What is a Secret?', {}, tagged('secrets'));
    await first.close();

    const second = await startHarness(durable);
    try {
      const ns = second.server.engine.namespaces.get(NS);
      assert.equal(ns.epoch, 1);
      assert.equal(ns.size, 1, 'the entries of epoch 0 were not loaded');
      assert.deepEqual((await byPrompt(second, 'What is a Secret?'))?.tags, ['secrets']);
      assert.equal((await second.chat('What is a Secret?')).source, 'immediate');
      assert.equal((await second.chat('What is a ConfigMap?')).source, 'upstream');
    } finally {
      await second.close();
    }
  });
});

describe('an epoch flush survives kill -9 (real server processes, the change log)', () => {
  let dir: string;
  let upstream: FakeUpstream;
  const running = new Set<ServerProcess>();
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'semcache-epoch-crash-'));
    upstream = await new FakeUpstream().start();
  });
  after(async () => {
    for (const s of running) s.child.kill('SIGKILL');
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (): Promise<{ server: ServerProcess; envoy: EnvoyClient }> => {
    const server = await spawnServer({ DATA_DIR: dir });
    running.add(server);
    void server.exited.then(() => running.delete(server));
    return { server, envoy: new EnvoyClient({ target: `127.0.0.1:${server.grpcPort}`, upstream: upstream.url }) };
  };
  const ask = (envoy: EnvoyClient, prompt: string) =>
    envoy.send({ path: '/v1/chat/completions', body: JSON.stringify({ model: NS, messages: [{ role: 'user', content: prompt }] }) });

  it('replays the epoch from the log: the answers stored before it are not served after the crash', async () => {
    const first = await start();
    assert.equal((await ask(first.envoy, 'What is a StatefulSet?')).source, 'upstream');
    const bump = await fetch(`http://127.0.0.1:${first.server.httpPort}/api/namespaces/${NS}/epoch`, { method: 'POST', headers: { 'x-requested-by': 'test' } });
    assert.equal(bump.status, 200);
    assert.equal((await ask(first.envoy, 'What is a ReplicaSet?')).source, 'upstream');
    // The change log reaches the disk every 250 ms (FSYNC_INTERVAL_MS): wait past it, then no clean shutdown.
    await sleep(700);
    first.envoy.close();
    first.server.child.kill('SIGKILL');
    assert.equal(await first.server.exited, 'SIGKILL');

    const second = await start();
    try {
      const ns = (await (await fetch(`http://127.0.0.1:${second.server.httpPort}/api/namespaces/${NS}`)).json()) as NamespaceInfo;
      assert.equal(ns.epoch, 1);
      assert.equal((await ask(second.envoy, 'What is a ReplicaSet?')).source, 'immediate', 'stored in the new epoch');
      assert.equal((await ask(second.envoy, 'What is a StatefulSet?')).source, 'upstream', 'stored before the flush');
    } finally {
      second.envoy.close();
      await stopServer(second.server);
    }
  });
});
