import type { PairLabel } from '@semcache/shared';

/** Per namespace; the oldest labels go first beyond it, so a labelling spree cannot grow memory without bound. */
const DEFAULT_CAPACITY = 10_000;

/**
 * Operators' same/different judgements of (prompt, candidate) pairs, one per lookup. Each label carries both
 * prompts and the similarity, so it outlives the lookup log's ring buffer and the entries it speaks of.
 */
export class LabelStore {
  readonly #capacity: number;
  /** Insertion order is age: a relabelled lookup moves to the end. */
  readonly #byNamespace = new Map<string, Map<string, PairLabel>>();

  constructor(capacity = DEFAULT_CAPACITY) {
    this.#capacity = capacity;
  }

  /** Returns the lookup id of the label dropped to make room, so that stores can drop it too; else null. */
  put(label: PairLabel): string | null {
    let labels = this.#byNamespace.get(label.namespace);
    if (!labels) {
      labels = new Map();
      this.#byNamespace.set(label.namespace, labels);
    }
    labels.delete(label.lookupId);
    labels.set(label.lookupId, label);
    if (labels.size <= this.#capacity) return null;
    const oldest = labels.keys().next().value!;
    labels.delete(oldest);
    return oldest;
  }

  get(namespace: string, lookupId: string): PairLabel | undefined {
    return this.#byNamespace.get(namespace)?.get(lookupId);
  }

  /** Newest first. */
  list(namespace: string): PairLabel[] {
    return [...(this.#byNamespace.get(namespace)?.values() ?? [])].reverse();
  }

  /** Every namespace's labels, oldest first: putting them back in this order restores their ages. */
  all(): PairLabel[] {
    return [...this.#byNamespace.values()].flatMap((labels) => [...labels.values()]);
  }

  delete(namespace: string, lookupId: string): boolean {
    return this.#byNamespace.get(namespace)?.delete(lookupId) ?? false;
  }
}
