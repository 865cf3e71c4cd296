import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTags } from './tags.ts';

const limits = { maxCount: 3, maxLength: 10 };

describe('parseTags', () => {
  it('splits, trims, case-folds and drops repeats and empty items', () => {
    assert.deepEqual(parseTags(' Release-5 , faq,,release-5,docs/v2 ', limits), { tags: ['release-5', 'faq', 'docs/v2'] });
    assert.deepEqual(parseTags(undefined, limits), { tags: [] });
    assert.deepEqual(parseTags('', limits), { tags: [] });
  });

  it('ignores the whole header when one rule is broken', () => {
    assert.deepEqual(parseTags('a,b,c,d', limits), { bad: 'too-many' });
    assert.deepEqual(parseTags('a,abcdefghijk', limits), { bad: 'too-long' });
    assert.deepEqual(parseTags('a,b c', limits), { bad: 'bad-characters' });
    assert.deepEqual(parseTags('ok,caf\u00e9', limits), { bad: 'bad-characters' });
  });
});
