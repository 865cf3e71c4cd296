import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_SELECTOR_FORM, selectorOf } from './selector-form.ts';

describe('the invalidation form', () => {
  it('sends only the criteria filled in, in the API units', () => {
    assert.deepEqual(selectorOf({ ...EMPTY_SELECTOR_FORM, tags: ' a, ,b ', olderThanMinutes: '1.5' }), { selector: { tags: ['a', 'b'], olderThanSeconds: 90 } });
    assert.deepEqual(selectorOf({ ...EMPTY_SELECTOR_FORM, similarTo: ' What is X? ', minSimilarity: '0.8', modelRevision: 'm-1' }),
      { selector: { modelRevision: 'm-1', similarTo: { prompt: 'What is X?', minSimilarity: 0.8 } } });
  });

  it('says what is wrong instead of sending an empty or malformed selector', () => {
    assert.ok('error' in selectorOf(EMPTY_SELECTOR_FORM));
    assert.ok('error' in selectorOf({ ...EMPTY_SELECTOR_FORM, olderThanMinutes: 'soon' }));
    assert.ok('error' in selectorOf({ ...EMPTY_SELECTOR_FORM, similarTo: 'x', minSimilarity: '1.2' }));
    assert.ok('error' in selectorOf({ ...EMPTY_SELECTOR_FORM, similarTo: 'x', minSimilarity: '' }));
  });
});
