import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiError, ProbeResponse } from '@semcache/shared';
import { testApp } from '../testing/test-app.ts';

describe('probe route', () => {
  it('returns the nearest entries with similarity and whether each would hit', async () => {
    const t = testApp();
    t.admin.addEntry('gpt-test', 'what is kubernetes');
    t.admin.addEntry('gpt-test', 'best pizza in rome');
    const res = await t.call('POST', '/api/namespaces/gpt-test/probe', { body: { prompt: 'what is kubernetes', k: 2 } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as ProbeResponse;
    assert.equal(body.threshold, 0.8);
    assert.deepEqual(body.candidates.map((c) => [c.entry.prompt, c.similarity, c.wouldHit]), [
      ['what is kubernetes', 1, true], ['best pizza in rome', 0, false],
    ]);
    assert.equal(t.admin.lookups.length, 0, 'a probe is not traffic');
  });

  it('validates the prompt and k', async () => {
    const t = testApp();
    for (const [body, field] of [[{}, 'prompt'], [{ prompt: '' }, 'prompt'], [{ prompt: 'x', k: 0 }, 'k'], [{ prompt: 'x', k: 51 }, 'k']] as const) {
      const res = await t.call('POST', '/api/namespaces/gpt-test/probe', { body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(((await res.json()) as ApiError).error.field, field);
    }
    assert.equal((await t.call('POST', '/api/namespaces/nope/probe', { body: { prompt: 'x' } })).status, 404);
  });
});
