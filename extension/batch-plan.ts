/**
 * What a batch file will do, read before it is started so the user can confirm it: jobs, models,
 * templates and an estimated cost. Pure. The daemon stays the judge of validity: a file this
 * reader cannot make sense of is handed to it, and it lists every problem.
 */
import { type ParseError, parse } from 'jsonc-parser';
import { closestName } from '../shared/closest-name';
import { modelSlug } from '../shared/model-slug';
import type { CostEstimate } from '../shared/protocol';
import { batchCostEstimate, type ModelPrice } from './batch-cost-estimate';
import { formatUsd } from './job-presentation';

export type { ModelPrice } from './batch-cost-estimate';

export interface BatchPlan {
  models: string[];
  templates: string[];
  repeat: number;
  jobs: number;
  maxConcurrent?: number;
  budgetUsd?: number;
  /** The same estimate `batch/start` returns, for the priced models, naming the others. */
  estimate: CostEstimate;
  /**
   * Template slugs and model ids nobody knows, each with the closest known name. A plan with any
   * is not offered for starting: every job of an unknown name would fail, and some would be paid.
   */
  unknown: UnknownName[];
}

export interface UnknownName {
  kind: 'template' | 'model';
  name: string;
  closest?: string;
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/**
 * Reads a batch file's text. Returns undefined when the text is not a batch this reader
 * understands (syntax errors, missing or mistyped fields). `knownModels` is the server's model
 * list, or undefined when it cannot be had (then no model is called unknown: the server may still
 * know it).
 */
export function readBatchPlan(
  text: string,
  allTemplates: readonly string[],
  prices: ReadonlyMap<string, ModelPrice>,
  knownModels?: readonly string[],
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
  const maxTokens = (file.options as { maxTokens?: unknown } | undefined)?.maxTokens;
  const estimate = batchCostEstimate({
    models,
    jobsPerModel: templates.length * repeat,
    ...(typeof maxTokens === 'number' && maxTokens > 0 ? { maxTokens } : {}),
    prices,
  });
  const plan: BatchPlan = {
    models,
    templates,
    repeat,
    jobs: models.length * templates.length * repeat,
    estimate,
    unknown: unknownNames(models, templates, allTemplates, knownModels),
  };
  if (typeof file.maxConcurrent === 'number') plan.maxConcurrent = file.maxConcurrent;
  if (typeof file.budgetUsd === 'number') plan.budgetUsd = file.budgetUsd;
  return plan;
}

function unknownNames(
  models: readonly string[],
  templates: readonly string[],
  allTemplates: readonly string[],
  knownModels: readonly string[] | undefined,
): UnknownName[] {
  const unknown: UnknownName[] = [];
  const templateSet = new Set(allTemplates);
  for (const slug of new Set(templates)) {
    if (templateSet.has(slug)) continue;
    const closest = closestName(slug, allTemplates);
    unknown.push({ kind: 'template', name: slug, ...(closest ? { closest } : {}) });
  }
  if (knownModels && knownModels.length > 0) {
    // A model may be named by its id or by its slug, as everywhere else.
    const names = new Set([...knownModels, ...knownModels.map(modelSlug)]);
    for (const model of new Set(models)) {
      if (names.has(model)) continue;
      const closest = closestName(model, knownModels, (text) => modelSlug(text).toLowerCase());
      unknown.push({ kind: 'model', name: model, ...(closest ? { closest } : {}) });
    }
  }
  return unknown;
}

/** "unknown template "crud_todo" (did you mean "crud_todo_list"?)", one line per name. */
export function describeUnknownNames(unknown: readonly UnknownName[]): string {
  return unknown
    .map(
      (entry) =>
        `Unknown ${entry.kind} "${entry.name}"${entry.closest ? ` (did you mean "${entry.closest}"?)` : ''}`,
    )
    .join('\n');
}

function listed(items: readonly string[], max = 6): string {
  return items.length <= max
    ? items.join(', ')
    : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** The plan in a few lines, for a confirmation dialog. */
export function describeBatchPlan(plan: BatchPlan): string {
  const lines = [
    ...(plan.unknown.length > 0 ? [describeUnknownNames(plan.unknown), ''] : []),
    `${plan.jobs} ${plan.jobs === 1 ? 'job' : 'jobs'}: ${plan.models.length} × ${plan.templates.length} × ${plan.repeat} (models × templates × repeat)`,
    `Models: ${listed(plan.models)}`,
    `Templates: ${listed(plan.templates)}`,
  ];
  if (plan.maxConcurrent !== undefined) lines.push(`At most ${plan.maxConcurrent} at once`);
  lines.push(describeEstimate(plan.models, plan.estimate));
  if (plan.budgetUsd !== undefined) {
    // The daemon says the same after starting (`warning`); before starting it can still be changed.
    const above =
      plan.estimate.costUsd > plan.budgetUsd
        ? ', below the estimate: jobs stop starting once it is spent'
        : '';
    lines.push(`Budget: $${plan.budgetUsd.toFixed(2)}${above}`);
  }
  return lines.join('\n');
}

/**
 * "Estimated cost: about $0.12 (…tokens)", for the priced models only when some have no price,
 * which are then named: a partial figure is worth more than "unknown".
 */
export function describeEstimate(models: readonly string[], estimate: CostEstimate): string {
  const tokens = `${estimate.promptTokens.toLocaleString('en-US')} prompt + ${estimate.completionTokens.toLocaleString('en-US')} answer tokens`;
  const unpriced = estimate.unpricedModels;
  const distinct = new Set(models).size;
  if (unpriced.length === 0) return `Estimated cost: about ${formatUsd(estimate.costUsd)} (${tokens})`;
  const noPrice = `no price known for ${listed(unpriced, 3)}`;
  if (unpriced.length >= distinct) return `Estimated cost: unknown (${noPrice})`;
  const priced = distinct - unpriced.length;
  return `Estimated cost: about ${formatUsd(estimate.costUsd)} for ${priced} of ${distinct} models, ${noPrice}`;
}
