import type { LookupOutcome } from '@semcache/shared';

export const OUTCOME_LABELS: Record<LookupOutcome, string> = {
  exact: 'exact hit',
  semantic: 'semantic hit',
  miss: 'miss',
  guarded: 'guarded',
  'verified-miss': 'refused by verifier',
  verify: 'explored',
  bypass: 'bypass',
  error: 'error',
};

export function OutcomeBadge({ outcome }: { outcome: LookupOutcome }) {
  return <span className={`badge ${outcome}`}>{OUTCOME_LABELS[outcome]}</span>;
}
