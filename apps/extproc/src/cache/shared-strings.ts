/**
 * One copy of each string that many entries carry alike (a fingerprint of a common system prompt, a content
 * type, a model revision), counted, so that a string goes once no entry has it. Entries decoded from a snapshot
 * or Redis each bring a copy of their own: ~80 B each for a 64-character fingerprint.
 */
export class SharedStrings {
  readonly #strings = new Map<string, { value: string; uses: number }>();

  /** The shared copy of `value`, counted as used once more. */
  share(value: string): string {
    const shared = this.#strings.get(value);
    if (shared) {
      shared.uses++;
      return shared.value;
    }
    this.#strings.set(value, { value, uses: 1 });
    return value;
  }

  /** One use fewer of `value` (shared or not). */
  release(value: string): void {
    const shared = this.#strings.get(value);
    if (shared && --shared.uses === 0) this.#strings.delete(value);
  }

  get size(): number {
    return this.#strings.size;
  }

  clear(): void {
    this.#strings.clear();
  }
}
