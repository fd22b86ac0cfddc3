/**
 * What a batch file will do, read before it is started so the user can confirm it: jobs, models,
 * templates and an estimated cost. Pure. The daemon stays the judge of validity: a file this
 * reader cannot make sense of is handed to it, and it lists every problem.
 */
import { type ParseError, parse } from 'jsonc-parser';

export interface ModelPrice {
  /** USD per prompt token. */
  prompt: number;
  /** USD per completion token. */
  completion: number;
}

export interface BatchPlan {
  models: string[];
  templates: string[];
  repeat: number;
  jobs: number;
  maxConcurrent?: number;
  budgetUsd?: number;
  /** Rough cost of the whole batch; absent when a model's price is unknown. */
  estimatedCostUsd?: number;
  /** Models without a known price. */
  unpricedModels: string[];
}

/**
 * Tokens assumed per app for the estimate: two model calls (backend, frontend), each a prompt of
 * a few thousand tokens and an answer of a few thousand more. A guide, not a quote.
 */
export const ESTIMATED_PROMPT_TOKENS_PER_APP = 6_000;
export const ESTIMATED_COMPLETION_TOKENS_PER_APP = 12_000;

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/**
 * Reads a batch file's text. Returns undefined when the text is not a batch this reader
 * understands (syntax errors, missing or mistyped fields).
 */
export function readBatchPlan(
  text: string,
  allTemplates: readonly string[],
  prices: ReadonlyMap<string, ModelPrice>,
): BatchPlan | undefined {
  const errors: ParseError[] = [];
  const data: unknown = parse(text, errors, { allowTrailingComma: true });
  if (errors.length > 0 || typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const file = data as Record<string, unknown>;
  if (!isStringArray(file.models) || file.models.length === 0) return undefined;
  const templates = file.templates === 'all' ? [...allTemplates] : file.templates;
  if (!isStringArray(templates) || templates.length === 0) return undefined;
  const repeat = file.repeat === undefined ? 1 : file.repeat;
  if (typeof repeat !== 'number' || !Number.isInteger(repeat) || repeat < 1) return undefined;
  const models = file.models;
  const jobs = models.length * templates.length * repeat;
  const maxTokens = (file.options as { maxTokens?: unknown } | undefined)?.maxTokens;
  const completionTokens =
    typeof maxTokens === 'number' && maxTokens > 0
      ? Math.min(ESTIMATED_COMPLETION_TOKENS_PER_APP, 2 * maxTokens)
      : ESTIMATED_COMPLETION_TOKENS_PER_APP;
  const unpricedModels = models.filter((model) => !prices.has(model));
  let estimatedCostUsd: number | undefined;
  if (unpricedModels.length === 0) {
    estimatedCostUsd = 0;
    for (const model of models) {
      const price = prices.get(model)!;
      const perApp = price.prompt * ESTIMATED_PROMPT_TOKENS_PER_APP + price.completion * completionTokens;
      estimatedCostUsd += perApp * templates.length * repeat;
    }
  }
  const plan: BatchPlan = { models, templates, repeat, jobs, unpricedModels };
  if (typeof file.maxConcurrent === 'number') plan.maxConcurrent = file.maxConcurrent;
  if (typeof file.budgetUsd === 'number') plan.budgetUsd = file.budgetUsd;
  if (estimatedCostUsd !== undefined) plan.estimatedCostUsd = estimatedCostUsd;
  return plan;
}

function listed(items: readonly string[], max = 6): string {
  return items.length <= max
    ? items.join(', ')
    : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** The plan in a few lines, for a confirmation dialog. */
export function describeBatchPlan(plan: BatchPlan): string {
  const lines = [
    `${plan.jobs} ${plan.jobs === 1 ? 'job' : 'jobs'}: ${plan.models.length} × ${plan.templates.length} × ${plan.repeat} (models × templates × repeat)`,
    `Models: ${listed(plan.models)}`,
    `Templates: ${listed(plan.templates)}`,
  ];
  if (plan.maxConcurrent !== undefined) lines.push(`At most ${plan.maxConcurrent} at once`);
  if (plan.estimatedCostUsd !== undefined) {
    lines.push(`Estimated cost: about $${plan.estimatedCostUsd.toFixed(2)}`);
  } else if (plan.unpricedModels.length > 0) {
    lines.push(`Estimated cost: unknown (no price for ${listed(plan.unpricedModels, 3)})`);
  }
  if (plan.budgetUsd !== undefined) lines.push(`Budget: $${plan.budgetUsd.toFixed(2)}`);
  return lines.join('\n');
}
