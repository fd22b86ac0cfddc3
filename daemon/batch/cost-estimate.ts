/**
 * A cost estimate for a batch before it starts: the prompt sizes of each template (about four
 * characters a token) and an assumed answer length, priced from the provider's model list. A model
 * without a published price is named rather than guessed.
 */
import type { Job } from '../../shared/job';
import type { CostEstimate } from '../../shared/protocol';
import type { ModelPrices } from '../provider/chat-call';

/** Tokens an answer is assumed to take when the batch sets no `maxTokens`. */
export const ASSUMED_ANSWER_TOKENS = 4000;

type Prices = ModelPrices | undefined;

export interface EstimateInput {
  jobs: Job[];
  /** Characters of the backend and frontend prompts (system + user) of a template. Asked once per template. */
  promptChars: (templateSlug: string) => number;
  /** USD per token, when known. Asked once per model. */
  prices: (model: string) => Prices;
}

export function estimateBatchCost(input: EstimateInput): CostEstimate {
  let costUsd = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  const unpriced = new Set<string>();
  // A batch has many jobs per model and template: a lookup may scan a model list of thousands.
  const chars = new Map<string, number>();
  const priced = new Map<string, Prices>();
  for (const job of input.jobs) {
    const calls = job.components?.length ?? 2;
    const answer = Math.min(job.options?.maxTokens ?? ASSUMED_ANSWER_TOKENS, ASSUMED_ANSWER_TOKENS) * calls;
    // The frontend prompt also carries the backend's code, about one answer long.
    let size = chars.get(job.templateSlug);
    if (size === undefined) {
      size = input.promptChars(job.templateSlug);
      chars.set(job.templateSlug, size);
    }
    const prompt = Math.ceil(size / 4) + (calls > 1 ? answer / calls : 0);
    promptTokens += prompt;
    completionTokens += answer;
    let price = priced.get(job.model);
    if (price === undefined && !priced.has(job.model)) {
      price = input.prices(job.model);
      priced.set(job.model, price);
    }
    if (price?.promptPrice === undefined || price.completionPrice === undefined) {
      unpriced.add(job.model);
      continue;
    }
    costUsd += prompt * price.promptPrice + answer * price.completionPrice;
  }
  return { costUsd, promptTokens, completionTokens, unpricedModels: [...unpriced].sort() };
}
