import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiError, LabelList, PairLabel } from '@semcache/shared';
import { lookupEvent } from '../testing/lookup-events.ts';
import { READ_TOKEN, testApp } from '../testing/test-app.ts';

describe('labels routes', () => {
  it('labels a lookup\'s pair, keeps both prompts and reports the suggestion', async () => {
    const t = testApp();
    const same = lookupEvent({ namespace: 'gpt-test', similarity: 0.76 });
    const different = lookupEvent({ namespace: 'gpt-test', similarity: 0.6 });
    t.admin.record(same);
    t.admin.record(different);
    const res = await t.call('POST', '/api/namespaces/gpt-test/labels', { body: { lookupId: same.id, verdict: 'same' } });
    assert.equal(res.status, 201);
    const label = (await res.json()) as PairLabel;
    assert.deepEqual([label.prompt, label.candidatePrompt, label.similarity, label.by], [same.prompt, same.candidatePrompt, 0.76, 'ops']);
    await t.call('POST', '/api/namespaces/gpt-test/labels', { body: { lookupId: different.id, verdict: 'different' } });

    const list = (await (await t.call('GET', '/api/namespaces/gpt-test/labels', { token: READ_TOKEN })).json()) as LabelList;
    assert.deepEqual(list.items.map((l) => l.verdict), ['different', 'same']);
    assert.ok(Math.abs(list.suggestion.threshold! - 0.68) < 1e-12);
    assert.equal(list.suggestion.correct, 2);
    assert.deepEqual(t.logger.audits().map((a) => [a.action, a.old, a.new]), [['label.set', null, 'same'], ['label.set', null, 'different']]);
  });

  it('replaces the label of a lookup labelled again, and withdraws one', async () => {
    const t = testApp();
    const e = lookupEvent({ namespace: 'gpt-test' });
    t.admin.record(e);
    await t.call('POST', '/api/namespaces/gpt-test/labels', { body: { lookupId: e.id, verdict: 'same' } });
    await t.call('POST', '/api/namespaces/gpt-test/labels', { body: { lookupId: e.id, verdict: 'different' } });
    assert.deepEqual(t.admin.labels.map((l) => l.verdict), ['different']);
    assert.deepEqual(t.logger.audits().at(-1), { by: 'ops', action: 'label.set', namespace: 'gpt-test', lookupId: e.id, similarity: 0.5, old: 'same', new: 'different' });
    const del = await t.call('DELETE', `/api/namespaces/gpt-test/labels/${e.id}`);
    assert.equal(del.status, 204);
    assert.equal(t.admin.labels.length, 0);
    assert.equal((await t.call('DELETE', `/api/namespaces/gpt-test/labels/${e.id}`)).status, 404);
  });

  it('refuses a bad verdict, an unknown lookup and a lookup without a candidate', async () => {
    const t = testApp();
    const lonely = lookupEvent({ namespace: 'gpt-test', candidateId: null, candidatePrompt: null, similarity: null });
    t.admin.record(lonely);
    const verdict = await t.call('POST', '/api/namespaces/gpt-test/labels', { body: { lookupId: lonely.id, verdict: 'maybe' } });
    assert.equal(verdict.status, 400);
    assert.equal(((await verdict.json()) as ApiError).error.field, 'verdict');
    const unknown = await t.call('POST', '/api/namespaces/gpt-test/labels', { body: { lookupId: 'gone', verdict: 'same' } });
    assert.equal(unknown.status, 404);
    const noCandidate = await t.call('POST', '/api/namespaces/gpt-test/labels', { body: { lookupId: lonely.id, verdict: 'same' } });
    assert.equal(noCandidate.status, 400);
    assert.equal(((await noCandidate.json()) as ApiError).error.field, 'lookupId');
    assert.equal(t.admin.labels.length, 0);
  });
});
