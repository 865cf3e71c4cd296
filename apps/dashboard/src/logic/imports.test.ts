import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImportProgress } from '@semcache/shared';
import { exportNamespace, importCounts, importsToShow } from './imports.ts';

const progress = (over: Partial<ImportProgress>): ImportProgress => ({
  id: 'imp-1', namespace: 'gpt-4o', by: 'ops', state: 'running', dryRun: false, startedAt: 1, finishedAt: null, expected: 3,
  linesRead: 2, imported: 1, skipped: 0, failed: 1, recomputed: 0, errors: [], error: null, ...over,
});

describe('import display', () => {
  it('counts against the announced entries, and names recomputed vectors only when there are some', () => {
    assert.equal(importCounts(progress({})), '2 of 3 lines read · 1 imported · 0 skipped (expired) · 1 failed');
    assert.equal(importCounts(progress({ dryRun: true })), '2 of 3 lines read · 1 would be imported · 0 skipped (expired) · 1 failed');
    assert.equal(importCounts(progress({ linesRead: 4 })), '4 lines read (3 announced) · 1 imported · 0 skipped (expired) · 1 failed');
    assert.equal(importCounts(progress({ expected: null, recomputed: 4 })), '2 lines read · 1 imported · 0 skipped (expired) · 1 failed · 4 vectors recomputed');
  });

  it('reads the namespace from an export header, and nothing from other text', () => {
    assert.equal(exportNamespace('{"format":"semcache-export","version":1,"namespace":"gpt-4o|acme"}'), 'gpt-4o|acme');
    assert.equal(exportNamespace('{"namespace":"gpt-4o"}'), null);
    assert.equal(exportNamespace('{"format":"semcache-export"'), null);
  });

  it('shows running imports and the finished ones this page knows, newest first', () => {
    const items = [progress({ id: 'a' }), progress({ id: 'b', state: 'done' }), progress({ id: 'c', state: 'failed' }), progress({ id: 'd' })];
    assert.deepEqual(importsToShow(items, new Set(['c'])).map((p) => p.id), ['a', 'c', 'd']);
    assert.deepEqual(importsToShow(items, new Set(['b', 'c']), 2).map((p) => p.id), ['a', 'b']);
  });
});
