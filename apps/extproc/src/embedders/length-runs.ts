/**
 * How a batch is cut into ONNX runs. A run pads every prompt to its longest, and padded tokens cost as much as
 * real ones (65% of the tokens in a batch of 16 paraphrase queries were padding), but each run also has a fixed
 * cost. Prompts are sorted by length and cut where the padding saved is worth more than one more run: the cheapest
 * cut of the sorted lengths, each run costing `runCostTokens` plus its size times its longest length.
 * Returns the prompts' indices per run, each run in ascending length.
 */
export function planRuns(lengths: readonly number[], runCostTokens: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const n = order.length;
  // best[j]: the cheapest cost of the first j sorted prompts; start[j]: where its last run begins.
  const best = new Float64Array(n + 1);
  const start = new Int32Array(n + 1);
  for (let j = 1; j <= n; j++) {
    best[j] = Infinity;
    const longest = lengths[order[j - 1]!]!;
    for (let i = 0; i < j; i++) {
      const cost = best[i]! + runCostTokens + (j - i) * longest;
      if (cost < best[j]!) {
        best[j] = cost;
        start[j] = i;
      }
    }
  }
  const runs: number[][] = [];
  for (let j = n; j > 0; j = start[j]!) runs.unshift(order.slice(start[j]!, j));
  return runs;
}
