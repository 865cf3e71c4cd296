import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openAiAnswer, type UpstreamCall } from '@semcache/testkit';
import { entryId } from '../src/cache/entry.ts';
import { OnlinePolicy } from '../src/online/online-policy.ts';
import { json, startHarness, type Harness } from './harness.ts';
import { eventually, sharedRedis } from './replicas.ts';

const NS = 'gpt-test';
const QUESTION = 'How do I reset my router password?';
const PARAPHRASE = 'How can I reset my router password?';
/** Online verification on, with every would-be hit checked: a random source of 0 always draws the audit. */
const ONLINE = { 'defaults.online': true, 'defaults.errorBound': 0.02, 'defaults.maxExploreRate': 1, 'defaults.threshold': 0.8 };
const alwaysCheck = () => new OnlinePolicy({ random: () => 0 });

/** The model answers every question with this text. */
function answering(h: Harness, text: string): void {
  h.upstream.handler = (call: UpstreamCall) => {
    const doc = openAiAnswer(call, h.upstream.calls.length) as { choices: { message: { content: string } }[] };
    doc.choices[0]!.message.content = text;
    return { body: doc };
  };
}

const contentOf = (body: Buffer): string => (json(body).choices as { message: { content: string } }[])[0]!.message.content;
const entryOf = (h: Harness, prompt: string) => [...(h.server.engine.namespaces.find(NS)?.entries() ?? [])].find((e) => e.prompt === prompt);

describe('online verification through the real server', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(ONLINE, { online: alwaysCheck() });
  });
  after(async () => h.close());

  it('sends an explored would-be hit to the model, answers with the model\'s answer and records the finding on the entry', async () => {
    answering(h, 'Hold the reset button for ten seconds.');
    assert.equal((await h.chat(QUESTION)).headers['x-semantic-cache'], 'miss');
    const explored = await h.chat(PARAPHRASE);
    assert.equal(explored.source, 'upstream');
    assert.equal(explored.headers['x-semantic-cache'], 'verify');
    assert.equal(h.upstream.calls.length, 2, 'the explored request reached the model');
    assert.equal(contentOf(explored.body), 'Hold the reset button for ten seconds.');
    await eventually('the finding is on the entry', () => (entryOf(h, QUESTION)?.observations?.length ?? 0) === 1);
    const [o] = entryOf(h, QUESTION)!.observations!;
    assert.equal(o!.correct, true, 'the same answer');
    assert.ok(o!.similarity >= 0.8 && o!.similarity < 1);
    assert.equal(entryOf(h, PARAPHRASE), undefined, 'a confirmed answer is not stored twice');

    const detail = h.server.admin.getEntry(NS, entryId(entryOf(h, QUESTION)!.key));
    assert.equal(detail.online?.observations.length, 1);
    assert.ok(detail.online!.boundary > 0.5 && detail.online!.boundary < 1);
    const event = h.server.engine.log.recent({ namespace: NS }).find((e) => e.prompt === PARAPHRASE);
    assert.equal(event?.outcome, 'verify');
    const stats = h.server.admin.getNamespace(NS).online!;
    assert.equal(stats.refused, 1, 'a namespace still learning checks every would-be hit');
    assert.equal(stats.observations, 1);
    assert.equal(stats.observedWrong, 0);
  });

  it('stops serving a wrong cached answer it discovered, and replaces it with the fresh one for that prompt', async () => {
    const q = 'What is the default admin password of my router?';
    const p = 'What is the default admin password of the router?';
    answering(h, 'It is admin.');
    await h.chat(q, { temperature: 0 });
    answering(h, 'It is printed on the label under the router.');
    const explored = await h.chat(p, { temperature: 0 });
    assert.equal(explored.headers['x-semantic-cache'], 'verify');
    await eventually('the wrong finding is recorded', () => entryOf(h, q)?.observations?.some((o) => !o.correct) === true);
    await eventually('the fresh answer is stored', () => entryOf(h, p) !== undefined);

    const metrics = await (await fetch(`http://127.0.0.1:${h.server.httpPort}/metrics`)).text();
    const counted = (name: string, label: string): number =>
      Number(new RegExp(`^${name}\\{namespace="${NS}",${label}\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? -1);
    assert.equal(counted('semcache_online_checks_total', 'result="different"'), 1, 'the wrong finding is counted');
    assert.equal(counted('semcache_online_checks_total', 'result="same"'), 1, "the first test's finding is counted");
    assert.equal(counted('semcache_lookups_total', 'outcome="verify"'), 2);

    const again = await h.chat(p, { temperature: 0 });
    assert.equal(again.headers['x-semantic-cache'], 'hit-exact');
    assert.equal(contentOf(again.body), 'It is printed on the label under the router.');

    // Without the fresh entry, the old one is met at the same similarity: it must not answer, even with no exploring allowed.
    h.server.admin.evictEntry(NS, entryId(entryOf(h, p)!.key));
    h.server.admin.updateSettings(NS, { maxExploreRate: 0 });
    const calls = h.upstream.calls.length;
    const afterEviction = await h.chat(p, { temperature: 0 });
    assert.equal(afterEviction.source, 'upstream');
    assert.equal(afterEviction.headers['x-semantic-cache'], 'verify');
    assert.equal(h.upstream.calls.length, calls + 1);
    assert.equal(contentOf(afterEviction.body), 'It is printed on the label under the router.');
    h.server.admin.updateSettings(NS, { maxExploreRate: 1 });
  });

  it('never explores a request that says no-store or only-if-cached, and turned off the static threshold rules', async () => {
    const q = 'How do I update the firmware of my router?';
    answering(h, 'Open the admin page and upload the file.');
    await h.chat(q);
    const noStore = await h.chat('How can I update the firmware of my router?', {}, { headers: { 'x-semantic-cache': 'no-store' } });
    assert.equal(noStore.headers['x-semantic-cache'], 'hit-semantic');
    const onlyIfCached = await h.chat('How could I update the firmware of my router?', {}, { headers: { 'cache-control': 'only-if-cached' } });
    assert.equal(onlyIfCached.status, 200, 'an exploration would have been a 504');
    assert.equal(onlyIfCached.headers['x-semantic-cache'], 'hit-semantic');
    h.server.admin.updateSettings(NS, { online: false });
    const off = await h.chat('How can I update the firmware on my router?');
    assert.equal(off.headers['x-semantic-cache'], 'hit-semantic');
    h.server.admin.updateSettings(NS, { online: true });
  });
});

describe('online verification findings persist with the entry', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'semcache-online-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('keeps an entry\'s observations across a restart of the data directory', async () => {
    const first = await startHarness({ ...ONLINE, 'store.persist': true, 'store.dataDir': dir }, { online: alwaysCheck() });
    try {
      answering(first, 'Hold the reset button for ten seconds.');
      await first.chat(QUESTION);
      await first.chat(PARAPHRASE);
      await eventually('the finding is on the entry', () => (entryOf(first, QUESTION)?.observations?.length ?? 0) === 1);
    } finally {
      await first.close();
    }
    const second = await startHarness({ ...ONLINE, 'store.persist': true, 'store.dataDir': dir });
    try {
      assert.deepEqual(entryOf(second, QUESTION)?.observations?.map((o) => o.correct), [true]);
    } finally {
      await second.close();
    }
  });
});

describe('online verification across replicas sharing Redis (a real redis-server)', () => {
  const shared = sharedRedis('semcache-online', ONLINE);
  let a: Harness;
  let b: Harness;
  before(async () => {
    await shared.start();
    a = await shared.replica({}, { online: alwaysCheck() });
    b = await shared.replica({ 'defaults.maxExploreRate': 0 });
  });
  after(() => shared.close());

  it('carries a wrong finding made on one replica to the other, which then does not serve the entry there', async () => {
    const q = 'What is the default admin password of my router?';
    const p = 'What is the default admin password of the router?';
    answering(a, 'It is admin.');
    answering(b, 'It is printed on the label under the router.');
    await a.chat(q, { temperature: 0 });
    await eventually('B holds the entry', () => entryOf(b, q) !== undefined);
    answering(a, 'It is printed on the label under the router.');
    assert.equal((await a.chat(p, { temperature: 0 })).headers['x-semantic-cache'], 'verify');
    await eventually('B has the finding', () => entryOf(b, q)?.observations?.some((o) => !o.correct) === true);
    await eventually('B has the fresh entry', () => entryOf(b, p) !== undefined);
    b.server.admin.evictEntry(NS, entryId(entryOf(b, p)!.key));
    await eventually('A no longer holds the fresh entry', () => entryOf(a, p) === undefined);

    const onB = await b.chat(p, { temperature: 0 });
    assert.equal(onB.source, 'upstream', 'B does not serve the answer A found wrong');
    assert.equal(onB.headers['x-semantic-cache'], 'verify');
    await eventually('A has what B found too', () => (entryOf(a, q)?.observations?.length ?? 0) === 2);
  });
});
