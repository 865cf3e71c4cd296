import type { LookupEvent, LookupFilter } from '@semcache/shared';

type Listener = (event: LookupEvent) => void;

/** As entrySizeBytes counts strings: two bytes a character, whatever V8 chose. */
const eventBytes = (e: LookupEvent): number => (e.prompt.length + (e.candidatePrompt?.length ?? 0)) * 2 + 200;

/**
 * A bounded ring of recent lookup events, plus live listeners (SSE, metrics). Bounded by count and by
 * bytes: 10,000 events of 32,000-character prompts would hold more than a small heap has.
 */
export class LookupLog {
  readonly capacity: number;
  readonly maxBytes: number;
  #ring: (LookupEvent | undefined)[];
  /** Index (modulo capacity) of the next event, and how many are held behind it. */
  #next = 0;
  #count = 0;
  #bytes = 0;
  #listeners = new Set<Listener>();

  constructor(capacity: number, maxBytes = Infinity) {
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    this.#ring = new Array<LookupEvent | undefined>(capacity);
  }

  get bytes(): number {
    return this.#bytes;
  }

  record(event: LookupEvent): void {
    if (this.#count === this.capacity) this.#dropOldest();
    this.#ring[this.#next] = event;
    this.#next = (this.#next + 1) % this.capacity;
    this.#count++;
    this.#bytes += eventBytes(event);
    while (this.#bytes > this.maxBytes && this.#count > 1) this.#dropOldest();
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
    for (let i = 1; i <= this.#count && out.length < limit; i++) {
      const event = this.#ring[(this.#next - i + this.capacity) % this.capacity]!;
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

  #dropOldest(): void {
    const at = (this.#next - this.#count + this.capacity) % this.capacity;
    this.#bytes -= eventBytes(this.#ring[at]!);
    this.#ring[at] = undefined;
    this.#count--;
  }
}
