import assert from 'node:assert/strict';
import { mock } from 'node:test';
import { batchCostEstimator, MODEL_LIST_WAIT_MS } from '../../../daemon/batch/batch-cost-estimator';
import { ASSUMED_ANSWER_TOKENS } from '../../../daemon/batch/cost-estimate';
import { buildPrompt } from '../../../daemon/prompts/build-prompt';
import { parseTemplate, type Template } from '../../../daemon/templates/template';
import type { Job } from '../../../shared/job';

function template(slug: string): Template {
  const result = parseTemplate(JSON.stringify({ slug, name: slug }), `${slug}.json`);
  if (!result.ok) throw new Error(result.reason);
  return result.template;
}

function job(templateSlug: string, model = 'a/priced'): Job {
  return {
    id: `${templateSlug}-${model}`,
    templateSlug,
    model,
    modelSlug: model.replace('/', '_'),
    appNum: 1,
    appPath: 'generated/apps/x/app1',
    status: 'queued',
    attempts: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    components: ['backend'],
  };
}

const PRICES = { promptPrice: 0.000001, completionPrice: 0.000002 };

describe('batchCostEstimator', () => {
  afterEach(() => mock.timers.reset());

  it("sizes each template's prompts as a job sends them, and prices them", async () => {
    const todo = template('crud_todo_list');
    const estimate = await batchCostEstimator({
      loadModels: async () => [],
      prices: (model) => (model === 'a/priced' ? PRICES : undefined),
      templates: async () => [todo],
    })([job('crud_todo_list'), job('crud_todo_list', 'b/unpriced'), job('gone')]);
    const chars = (['backend', 'frontend'] as const)
      .map((component) => buildPrompt({ template: todo, component }))
      .reduce((sum, prompt) => sum + prompt.system.length + prompt.user.length, 0);
    // One backend call each: the prompt (4 characters a token) and one assumed answer.
    const prompt = Math.ceil(chars / 4);
    assert.deepEqual(estimate, {
      costUsd: (prompt + 0) * PRICES.promptPrice + 2 * ASSUMED_ANSWER_TOKENS * PRICES.completionPrice,
      promptTokens: 2 * prompt,
      completionTokens: 3 * ASSUMED_ANSWER_TOKENS,
      unpricedModels: ['b/unpriced'],
    });
  });

  it('gives no estimate when the model list cannot be had', async () => {
    const estimate = await batchCostEstimator({
      loadModels: async () => {
        throw new Error('offline');
      },
      prices: () => PRICES,
      templates: async () => [],
    })([job('crud_todo_list')]);
    assert.equal(estimate, undefined);
  });

  it(`gives no estimate when the model list takes longer than ${MODEL_LIST_WAIT_MS} ms`, async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    let settled = false;
    const estimate = batchCostEstimator({
      loadModels: () => new Promise(() => undefined),
      prices: () => PRICES,
      templates: async () => [],
    })([job('crud_todo_list')]).finally(() => {
      settled = true;
    });
    await Promise.resolve();
    mock.timers.tick(MODEL_LIST_WAIT_MS - 1);
    await Promise.resolve();
    assert.equal(settled, false);
    mock.timers.tick(1);
    assert.equal(await estimate, undefined);
  });
});
