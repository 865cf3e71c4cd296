import type { HeaderValueOption, ProtoStruct, ProtoValue } from '@semcache/proto';
import type { TokenUsageConfig, Usage } from '@semcache/shared';
import { setHeader } from './headers.ts';

/** What this request cost the model, and on a hit what the cache spared it (null when unknown). */
export type TokenFigures =
  | { kind: 'miss'; consumed: Usage }
  | { kind: 'hit'; saved: number | null };

export interface TokenReport {
  headers: HeaderValueOption[];
  metadata: ProtoStruct | undefined;
}

const wireStruct = (fields: Record<string, ProtoValue>): ProtoStruct => ({ fields });

const NONE: TokenReport = { headers: [], metadata: undefined };
const ZERO: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

/**
 * The figures as response headers and as Envoy dynamic metadata under the configured namespace (the top-level
 * keys of `dynamic_metadata` are namespaces). A hit consumed nothing: 0, plus the tokens it saved.
 */
export function tokenReport(cfg: TokenUsageConfig, figures: TokenFigures | null): TokenReport {
  if (!cfg.enabled || !figures) return NONE;
  const consumed = figures.kind === 'miss' ? figures.consumed : ZERO;
  const values: [header: string, key: string, value: number][] = [
    [cfg.headers.promptTokens, 'prompt_tokens', consumed.promptTokens],
    [cfg.headers.completionTokens, 'completion_tokens', consumed.completionTokens],
    [cfg.headers.totalTokens, 'total_tokens', consumed.totalTokens],
  ];
  if (figures.kind === 'hit' && figures.saved !== null) values.push([cfg.headers.tokensSaved, 'tokens_saved', figures.saved]);
  const fields: Record<string, ProtoValue> = {};
  for (const [, key, value] of values) fields[key] = { numberValue: value };
  return {
    headers: values.map(([header, , value]) => setHeader(header, String(value))),
    metadata: wireStruct({ [cfg.metadataNamespace]: { structValue: { fields } } }),
  };
}
