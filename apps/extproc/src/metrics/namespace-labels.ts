/** The label every namespace beyond the cap shares. */
export const OTHER_NAMESPACE = 'other';

/**
 * Maps namespace names to metric label values with a fixed bound: the first `max` names seen keep their own
 * label for the life of the process, later ones share `other`. Names come from client requests (model,
 * tenant), so without the cap a client could create series without limit.
 */
export class NamespaceLabels {
  readonly #max: number;
  readonly #label: (namespace: string) => string;
  readonly #known = new Set<string>();

  /** `label` turns a name into its label value (tenants hashed or dropped) before the cap applies. */
  constructor(max: number, label: (namespace: string) => string = (n) => n) {
    this.#max = max;
    this.#label = label;
  }

  of(namespace: string): string {
    const value = this.#label(namespace);
    if (this.#known.has(value)) return value;
    if (this.#known.size >= this.#max) return OTHER_NAMESPACE;
    this.#known.add(value);
    return value;
  }
}
