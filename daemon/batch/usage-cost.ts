/**
 * What a job's model calls cost. OpenRouter reports the cost of each call (`usage.cost`); other
 * OpenAI-compatible servers report tokens only, and then the cost is the tokens times the model's
 * listed prices, so a batch's budget still holds. Pure: usage and prices in, dollars out.
 */
import type { Usage } from '../../shared/job';

/** USD per token, as the model list gives them (either may be unpublished). */
export interface ModelPrices {
  promptPrice?: number;
  completionPrice?: number;
}

/**
 * The server's cost when it reported one, else prompt and completion tokens at the model's prices;
 * undefined when there is no usage, or no cost and no complete price to compute one from.
 */
export function usageCostUsd(usage: Usage | undefined, prices: ModelPrices | undefined): number | undefined {
  if (!usage) return undefined;
  if (usage.costUsd !== undefined) return usage.costUsd;
  if (prices?.promptPrice === undefined || prices.completionPrice === undefined) return undefined;
  return usage.promptTokens * prices.promptPrice + usage.completionTokens * prices.completionPrice;
}
