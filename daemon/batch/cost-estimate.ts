/**
 * A cost estimate for a batch before it starts: the prompt sizes of each template (about four
 * characters a token) and an assumed answer length, priced from OpenRouter's model list. A model
 * without a published price is named rather than guessed.
 */
import type { Job } from '../../shared/job';
import type { CostEstimate } from '../../shared/protocol';

/** Tokens an answer is assumed to take when the batch sets no `maxTokens`. */
export const ASSUMED_ANSWER_TOKENS = 4000;

export interface EstimateInput {
  jobs: Job[];
  /** Characters of the backend and frontend prompts (system + user) of a template. */
  promptChars: (templateSlug: string) => number;
  /** USD per token, when known. */
  prices: (model: string) => { promptPrice?: number; completionPrice?: number } | undefined;
}

export function estimateBatchCost(input: EstimateInput): CostEstimate {
  let costUsd = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  const unpriced = new Set<string>();
  for (const job of input.jobs) {
    const calls = job.components?.length ?? 2;
    const answer = Math.min(job.options?.maxTokens ?? ASSUMED_ANSWER_TOKENS, ASSUMED_ANSWER_TOKENS) * calls;
    // The frontend prompt also carries the backend's code, about one answer long.
    const prompt = Math.ceil(input.promptChars(job.templateSlug) / 4) + (calls > 1 ? answer / calls : 0);
    promptTokens += prompt;
    completionTokens += answer;
    const price = input.prices(job.model);
    if (price?.promptPrice === undefined || price.completionPrice === undefined) {
      unpriced.add(job.model);
      continue;
    }
    costUsd += prompt * price.promptPrice + answer * price.completionPrice;
  }
  return { costUsd, promptTokens, completionTokens, unpricedModels: [...unpriced].sort() };
}
