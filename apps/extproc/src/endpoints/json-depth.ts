/**
 * Whether a parsed JSON value nests deeper than `limit` arrays and objects. Iterative: JSON.parse accepts
 * any depth, and a recursive walk of a 100k-deep body overflows the stack.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}
