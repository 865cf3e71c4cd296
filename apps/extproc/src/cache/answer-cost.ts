import type { ModelPrice, Usage } from '@semcache/shared';

export type ModelPrices = Readonly<Record<string, ModelPrice>>;

/**
 * What the model would have charged to produce a cached answer again: its prompt and completion tokens at
 * the model's prices. A model without a price, or an answer without usage, saved nothing countable.
 */
export function answerCost(prices: ModelPrices, model: string, usage: Usage | null | undefined): number {
  const price = Object.hasOwn(prices, model) ? prices[model] : undefined;
  if (!price || !usage) return 0;
  return (usage.promptTokens * price.inputPerMillion + usage.completionTokens * price.outputPerMillion) / 1_000_000;
}
