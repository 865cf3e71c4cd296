import type { LookupEvent, LookupFilter } from '@semcache/shared';

type Listener = (event: LookupEvent) => void;

/** A bounded ring of recent lookup events, plus live listeners (SSE, metrics). */
export class LookupLog {
  readonly capacity: number;
  #ring: (LookupEvent | undefined)[];
  #next = 0;
  #listeners = new Set<Listener>();

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#ring = new Array<LookupEvent | undefined>(capacity);
  }

  record(event: LookupEvent): void {
    this.#ring[this.#next % this.capacity] = event;
    this.#next++;
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A failing observer must never break the request path.
      }
    }
  }

  /** Newest first. */
  recent(filter: LookupFilter = {}): LookupEvent[] {
    const limit = filter.limit ?? this.capacity;
    const out: LookupEvent[] = [];
    const count = Math.min(this.#next, this.capacity);
    for (let i = 1; i <= count && out.length < limit; i++) {
      const event = this.#ring[(this.#next - i) % this.capacity]!;
      if (filter.namespace !== undefined && event.namespace !== filter.namespace) continue;
      if (filter.outcome !== undefined && event.outcome !== filter.outcome) continue;
      out.push(event);
    }
    return out;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
