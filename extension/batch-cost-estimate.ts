/**
 * The cost estimate the Run Batch dialog shows before anything starts. It follows the daemon's
 * own estimate (daemon/batch/cost-estimate.ts, returned by `batch/start`) call for call, so the
 * dialog and the started batch agree; a node test holds the two together. The one number the
 * extension cannot know is the size of a template's prompts, which the daemon builds: a typical
 * size stands in for it. Pure.
 */
import type { CostEstimate } from '../shared/protocol';

/** USD per token of one model, as `models/list` gives it. */
export interface ModelPrice {
  prompt: number;
  completion: number;
}

/** What the daemon assumes a model answer takes when the batch sets no lower `maxTokens`. */
export const ASSUMED_ANSWER_TOKENS = 4000;

/**
 * Tokens of a template's backend and frontend prompts together. The built-in templates' prompts
 * come to 2,400-2,900 tokens; the daemon counts the real ones.
 */
export const TYPICAL_TEMPLATE_PROMPT_TOKENS = 2600;

/** Model calls per job of a batch: the backend, then the frontend. */
const CALLS_PER_JOB = 2;

export interface BatchCostInput {
  models: readonly string[];
  /** Jobs per model: templates × repeat. */
  jobsPerModel: number;
  /** The batch's `options.maxTokens`, if it sets one. */
  maxTokens?: number;
  prices: ReadonlyMap<string, ModelPrice>;
}

/** The estimate in the daemon's shape: cost of the priced models, tokens of all, the unpriced named. */
export function batchCostEstimate(input: BatchCostInput): CostEstimate {
  const answer = Math.min(input.maxTokens ?? ASSUMED_ANSWER_TOKENS, ASSUMED_ANSWER_TOKENS);
  // The frontend prompt also carries the backend's code, about one answer long.
  const promptPerJob = TYPICAL_TEMPLATE_PROMPT_TOKENS + answer;
  const completionPerJob = answer * CALLS_PER_JOB;
  let costUsd = 0;
  const unpriced = new Set<string>();
  for (const model of input.models) {
    const price = input.prices.get(model);
    if (!price) {
      unpriced.add(model);
      continue;
    }
    costUsd += input.jobsPerModel * (promptPerJob * price.prompt + completionPerJob * price.completion);
  }
  const jobs = input.models.length * input.jobsPerModel;
  return {
    costUsd,
    promptTokens: jobs * promptPerJob,
    completionTokens: jobs * completionPerJob,
    unpricedModels: [...unpriced].sort(),
  };
}
