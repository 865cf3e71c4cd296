import type { CacheEngine, PendingStore, StoredAnswer } from '../cache/cache-engine.ts';
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
 * candidate is gone, and the answer is stored as a miss's would be.
 */
export async function checkAnswer(engine: CacheEngine, check: OnlineCheck, pending: PendingStore, answer: StoredAnswer): Promise<boolean | null> {
  const ns = engine.namespaces.find(check.namespace);
  const entry = ns?.get(check.key);
  if (!ns || !entry) {
    engine.store(pending, answer);
    return null;
  }
  const same = await sameAnswer(
    { endpoint: entry.endpoint, cached: entry.response, fresh: answer.response, deterministic: check.deterministic },
    engine.embedder, ns.settings.threshold,
  );
  // Evicted or replaced while the answers were compared: recording on it would bring it back in the stores.
  if (same === null || ns.get(check.key) !== entry) {
    engine.store(pending, answer);
    return null;
  }
  entry.observations = withObservation(entry.observations, { similarity: check.similarity, correct: same, time: engine.now() });
  engine.online.observed(ns.name, check.similarity, same);
  engine.emit({ type: 'add', entry });
  if (!same) engine.store(pending, answer);
  return same;
}
