/** The label every namespace beyond the cap shares. */
export const OTHER_NAMESPACE = 'other';

/**
 * Maps namespace names to metric label values with a fixed bound: the first `max` names seen keep their own
 * label for the life of the process, later ones share `other`. Names come from client requests (model,
 * tenant), so without the cap a client could create series without limit.
 */
export class NamespaceLabels {
  readonly #max: number;
  readonly #known = new Set<string>();

  constructor(max: number) {
    this.#max = max;
  }

  of(namespace: string): string {
    if (this.#known.has(namespace)) return namespace;
    if (this.#known.size >= this.#max) return OTHER_NAMESPACE;
    this.#known.add(namespace);
    return namespace;
  }
}
