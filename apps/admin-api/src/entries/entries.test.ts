import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiError, EntryDetail, EntryList } from '@semcache/shared';
import { testApp } from '../testing/test-app.ts';

function withEntries() {
  const t = testApp();
  const prompts = ['What is Kubernetes', 'How do I list pods', 'kubernetes vs nomad', 'Best pizza in Rome'];
  const entries = prompts.map((p, i) => t.admin.addEntry('gpt-test', p, 1000 + i));
  return { t, entries };
}

describe('entries routes', () => {
  it('pages through entries newest first', async () => {
    const { t } = withEntries();
    const page = (await (await t.call('GET', '/api/namespaces/gpt-test/entries?limit=2&offset=1')).json()) as EntryList;
    assert.equal(page.total, 4);
    assert.equal(page.offset, 1);
    assert.equal(page.limit, 2);
    assert.deepEqual(page.items.map((e) => e.prompt), ['kubernetes vs nomad', 'How do I list pods']);
  });

  it('filters by prompt text, case-insensitively', async () => {
    const { t } = withEntries();
    const page = (await (await t.call('GET', '/api/namespaces/gpt-test/entries?text=KUBERNETES')).json()) as EntryList;
    assert.deepEqual(page.items.map((e) => e.prompt), ['kubernetes vs nomad', 'What is Kubernetes']);
  });

  it('refuses a bad page with 400 naming the query field', async () => {
    const { t } = withEntries();
    for (const [query, field] of [['limit=0', 'limit'], ['limit=abc', 'limit'], ['offset=-1', 'offset'], ['limit=501', 'limit']]) {
      const res = await t.call('GET', `/api/namespaces/gpt-test/entries?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(((await res.json()) as ApiError).error.field, field);
    }
  });

  it('reads one entry with its response, 404 for an unknown one', async () => {
    const { t, entries } = withEntries();
    const res = await t.call('GET', `/api/namespaces/gpt-test/entries/${entries[0]!.id}`);
    assert.equal(res.status, 200);
    const entry = (await res.json()) as EntryDetail;
    assert.equal(entry.prompt, 'What is Kubernetes');
    assert.equal(entry.response, entries[0]!.response);
    assert.equal((await t.call('GET', '/api/namespaces/gpt-test/entries/ffff')).status, 404);
    assert.equal((await t.call('GET', `/api/namespaces/nope/entries/${entries[0]!.id}`)).status, 404);
  });

  it('evicts one entry and audits its prompt', async () => {
    const { t, entries } = withEntries();
    const id = entries[1]!.id;
    const res = await t.call('DELETE', `/api/namespaces/gpt-test/entries/${id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { namespace: 'gpt-test', evicted: 1 });
    assert.equal(t.admin.entries.some((e) => e.id === id), false);
    const [line] = t.logger.audits();
    assert.equal(line!.action, 'entry.evict');
    assert.equal(line!.entryId, id);
    assert.equal((line!.old as { prompt: string }).prompt, 'How do I list pods');
    assert.equal((await t.call('DELETE', `/api/namespaces/gpt-test/entries/${id}`)).status, 404, 'gone the second time');
  });

  it('evicts many by filter, which must not be empty', async () => {
    const { t } = withEntries();
    const res = await t.call('DELETE', '/api/namespaces/gpt-test/entries?text=kubernetes');
    assert.deepEqual(await res.json(), { namespace: 'gpt-test', evicted: 2 });
    assert.equal(t.admin.entries.length, 2);
    assert.equal(t.logger.audits()[0]!.action, 'entry.evict-many');
    for (const query of ['', '?text=']) {
      const bad = await t.call('DELETE', `/api/namespaces/gpt-test/entries${query}`);
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as ApiError).error.field, 'text');
    }
    assert.equal(t.admin.entries.length, 2);
  });
});
