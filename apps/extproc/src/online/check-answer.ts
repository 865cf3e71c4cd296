import type { CacheEngine, PendingStore, StoredAnswer } from '../cache/cache-engine.ts';
import { unpackText } from '../cache/packed-text.ts';
import { sameAnswer } from './answer-match.ts';
import { withObservation } from './online-policy.ts';

/** An explored request: which candidate it would have been answered with, and how to compare the answers. */
export interface OnlineCheck {
  namespace: string;
  key: bigint;
  similarity: number;
  deterministic: boolean;
}

/**
 * The second half of an exploration, once the model has answered: the finding goes on the candidate (emitted as
 * its `add`, so the data directory and the other replicas get it with the entry), and a different answer is
 * stored for the prompt. Returns whether the answers agreed; null when they could not be compared, or the
 * candidate is gone or superseded, and the answer is stored as a miss's would be.
 */
export async function checkAnswer(engine: CacheEngine, check: OnlineCheck, pending: PendingStore, answer: StoredAnswer): Promise<boolean | null> {
  const ns = engine.namespaces.find(check.namespace);
  const entry = ns?.get(check.key);
  // Gone (its namespace too, perhaps), replaced, or superseded by an epoch: a finding recorded on it would bring
  // it back in the stores, or teach the namespace about an answer it no longer serves.
  const live = (): boolean => ns !== undefined && entry !== undefined && ns.get(check.key) === entry && ns.isCurrent(entry);
  if (!ns || !entry || !live()) {
    engine.store(pending, answer);
    return null;
  }
  const same = await sameAnswer(
    { endpoint: entry.endpoint, cached: unpackText(entry.response), fresh: answer.response, deterministic: check.deterministic },
    engine.embedder, ns.settings.threshold,
  );
  if (same === null || !live()) {
    engine.store(pending, answer);
    return null;
  }
  entry.observations = withObservation(entry.observations, { similarity: check.similarity, correct: same, time: engine.now() });
  engine.online.observed(ns.name, check.similarity, same);
  engine.emit({ type: 'add', entry });
  if (!same) engine.store(pending, answer);
  return same;
}
