/**
 * The batch service's `estimate`: the cost of jobs about to start (see cost-estimate.ts), from the
 * model list's prices and the prompt sizes of the templates in force. A model list that cannot be
 * had soon gives no estimate rather than holding up the batch.
 */
import type { Job } from '../../shared/job';
import type { CostEstimate } from '../../shared/protocol';
import { buildPrompt } from '../prompts/build-prompt';
import type { Template } from '../templates/template';
import { estimateBatchCost } from './cost-estimate';

/** How long a batch start waits for the model list. */
export const MODEL_LIST_WAIT_MS = 3000;

type Prices = { promptPrice?: number; completionPrice?: number };

export interface BatchCostEstimatorDeps {
  /** Fetches the model list (or has it already); prices are read from it afterwards. */
  loadModels: () => Promise<unknown>;
  prices: (model: string) => Prices | undefined;
  templates: () => Promise<readonly Template[]>;
  waitMs?: number;
}

export function batchCostEstimator(
  deps: BatchCostEstimatorDeps,
): (jobs: Job[]) => Promise<CostEstimate | undefined> {
  const waitMs = deps.waitMs ?? MODEL_LIST_WAIT_MS;
  return async (jobs) => {
    let timer: NodeJS.Timeout | undefined;
    const known = await Promise.race([
      deps.loadModels().catch(() => undefined),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), waitMs);
        timer.unref?.(); // fake timers have none
      }),
    ]);
    clearTimeout(timer);
    if (!known) return undefined;
    const catalog = await deps.templates();
    return estimateBatchCost({
      jobs,
      // Asked once per template: both prompts as a job of it sends them, without its backend's code.
      promptChars: (slug) => {
        const template = catalog.find((t) => t.slug === slug);
        if (!template) return 0;
        return (['backend', 'frontend'] as const)
          .map((component) => buildPrompt({ template, component }))
          .reduce((sum, prompt) => sum + prompt.system.length + prompt.user.length, 0);
      },
      prices: deps.prices,
    });
  };
}
