/**
 * prom-client hashes the label object on every inc/observe; on the lookup path each label combination's child
 * is looked up once and reused. Bounded: namespaces are capped (NamespaceLabels) and outcomes are few.
 */
export function childrenOf<T>(labelled: (...values: string[]) => T): (...values: string[]) => T {
  const children = new Map<string, T>();
  return (...values) => {
    const key = values.join('\u0000');
    let child = children.get(key);
    if (child === undefined) {
      child = labelled(...values);
      children.set(key, child);
    }
    return child;
  };
}
