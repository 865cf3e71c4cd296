import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PairLabel } from '@semcache/shared';
import { LabelStore } from './label-store.ts';

const label = (lookupId: string, over: Partial<PairLabel> = {}): PairLabel => ({
  lookupId, namespace: 'm', prompt: `p ${lookupId}`, candidatePrompt: `c ${lookupId}`, similarity: 0.7, outcome: 'miss',
  threshold: 0.8, verdict: 'same', createdAt: 0, by: 'ops', ...over,
});

describe('LabelStore', () => {
  it('lists a namespace\'s labels newest first; a relabelled lookup replaces its label and becomes newest', () => {
    const store = new LabelStore();
    store.put(label('a'));
    store.put(label('b'));
    store.put(label('x', { namespace: 'other' }));
    store.put(label('a', { verdict: 'different' }));
    assert.deepEqual(store.list('m').map((l) => [l.lookupId, l.verdict]), [['a', 'different'], ['b', 'same']]);
    assert.deepEqual(store.list('other').map((l) => l.lookupId), ['x']);
    assert.deepEqual(store.list('none'), []);
  });

  it('drops the oldest label beyond its capacity and says which', () => {
    const store = new LabelStore(2);
    assert.deepEqual(['a', 'b', 'c'].map((id) => store.put(label(id))), [null, null, 'a']);
    assert.deepEqual(store.list('m').map((l) => l.lookupId), ['c', 'b']);
  });

  it('gives every label oldest first, so that putting them back in order restores the same lists', () => {
    const store = new LabelStore();
    for (const id of ['a', 'b']) store.put(label(id));
    store.put(label('x', { namespace: 'other' }));
    store.put(label('a', { verdict: 'different' }));
    const copy = new LabelStore();
    for (const l of store.all()) copy.put(l);
    assert.deepEqual(copy.list('m'), store.list('m'));
    assert.deepEqual(copy.list('other'), store.list('other'));
    assert.equal(store.all().length, 3);
  });

  it('deletes one label and says whether it was there', () => {
    const store = new LabelStore();
    store.put(label('a'));
    assert.equal(store.delete('m', 'a'), true);
    assert.equal(store.delete('m', 'a'), false);
    assert.equal(store.get('m', 'a'), undefined);
  });
});
