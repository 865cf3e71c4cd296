import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenUsageConfigSchema } from '@semcache/shared';
import type { HeaderValueOption } from '@semcache/proto';
import { tokenReport } from './token-usage.ts';

const headers = (list: HeaderValueOption[]) =>
  Object.fromEntries(list.map((h) => [h.header.key, Buffer.from(h.header.raw_value ?? []).toString('latin1')]));

describe('tokenReport', () => {
  const cfg = TokenUsageConfigSchema.parse({});

  it('reports a miss as what the model consumed, in headers and under the metadata namespace', () => {
    const r = tokenReport(cfg, { kind: 'miss', consumed: { promptTokens: 12, completionTokens: 30, totalTokens: 42 } });
    assert.deepEqual(headers(r.headers), { 'x-openai-prompt-tokens': '12', 'x-openai-completion-tokens': '30', 'x-openai-total-tokens': '42' });
    assert.ok(r.headers.every((h) => h.header.value === undefined), 'raw_value only, as Envoy reads');
    assert.deepEqual(r.metadata, { fields: { 'envoy.filters.http.ext_proc': { structValue: { fields: {
      prompt_tokens: { numberValue: 12 }, completion_tokens: { numberValue: 30 }, total_tokens: { numberValue: 42 },
    } } } } });
  });

  it('reports a hit as 0 consumed plus the tokens saved, with configured names', () => {
    const custom = TokenUsageConfigSchema.parse({ headers: { tokensSaved: 'X-Saved' }, metadataNamespace: 'semcache' });
    const r = tokenReport(custom, { kind: 'hit', saved: 42 });
    assert.deepEqual(headers(r.headers), { 'x-openai-prompt-tokens': '0', 'x-openai-completion-tokens': '0', 'x-openai-total-tokens': '0', 'x-saved': '42' });
    const ns = r.metadata?.fields.semcache as unknown as { structValue: { fields: Record<string, unknown> } };
    assert.deepEqual(ns.structValue.fields.tokens_saved, { numberValue: 42 });
  });

  it('reports nothing when turned off or when usage is unknown', () => {
    assert.deepEqual(tokenReport({ ...cfg, enabled: false }, { kind: 'hit', saved: 1 }), { headers: [], metadata: undefined });
    assert.deepEqual(tokenReport(cfg, null), { headers: [], metadata: undefined });
    assert.equal(headers(tokenReport(cfg, { kind: 'hit', saved: null }).headers)['x-semantic-cache-tokens-saved'], undefined);
  });
});
