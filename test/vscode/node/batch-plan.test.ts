import * as assert from 'node:assert/strict';
import { estimateBatchCost } from '../../../daemon/batch/cost-estimate';
import { buildPrompt } from '../../../daemon/prompts/build-prompt';
import { builtinTemplates } from '../../../daemon/templates/builtin-templates';
import type { Template } from '../../../daemon/templates/template';
import { TYPICAL_TEMPLATE_PROMPT_TOKENS } from '../../../extension/batch-cost-estimate';
import { type BatchPlan, describeBatchPlan, readBatchPlan } from '../../../extension/batch-plan';
import { makeJob } from './job-fixtures';

const templates = ['crud_todo_list', 'api_url_shortener', 'quiz_app'];
const prices = new Map([
  ['sim/alpha', { prompt: 0.000001, completion: 0.000002 }],
  ['sim/free', { prompt: 0, completion: 0 }],
]);
const near = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} is not ${expected}`);

/** What the daemon's own estimate says for the plan's jobs, given the typical prompt size. */
function daemonEstimate(plan: BatchPlan, maxTokens?: number) {
  const jobs = plan.models.flatMap((model, m) =>
    plan.templates.flatMap((templateSlug, t) =>
      Array.from({ length: plan.repeat }, (_, r) =>
        makeJob({
          id: `${m}-${t}-${r}`,
          model,
          templateSlug,
          status: 'queued',
          ...(maxTokens ? { options: { maxTokens } } : {}),
        }),
      ),
    ),
  );
  return estimateBatchCost({
    jobs,
    promptChars: () => TYPICAL_TEMPLATE_PROMPT_TOKENS * 4,
    prices: (model) => {
      const price = prices.get(model);
      return price ? { promptPrice: price.prompt, completionPrice: price.completion } : undefined;
    },
  });
}

describe('batch plan', () => {
  it('counts models × templates × repeat in a file with comments and trailing commas', () => {
    const plan = readBatchPlan(
      `{
        // compare two
        "models": ["sim/alpha", "sim/free"],
        "templates": ["crud_todo_list"],
        "repeat": 3,
      }`,
      templates,
      prices,
    );
    assert.equal(plan?.jobs, 6);
    assert.deepEqual(plan?.estimate.unpricedModels, []);
    // 3 apps of sim/alpha, each 2,600 + 4,000 prompt and 8,000 answer tokens; sim/free costs nothing.
    near(plan?.estimate.costUsd ?? 0, 3 * (6600 * 0.000001 + 8000 * 0.000002));
  });

  it('estimates what the daemon estimates for the same jobs', () => {
    for (const [text, maxTokens] of [
      ['{"models": ["sim/alpha", "sim/free", "x/unknown"], "templates": "all", "repeat": 2}', undefined],
      ['{"models": ["sim/alpha"], "templates": ["quiz_app"], "options": {"maxTokens": 1000}}', 1000],
      ['{"models": ["sim/alpha"], "templates": ["quiz_app"], "options": {"maxTokens": 90000}}', 90000],
    ] as const) {
      const plan = readBatchPlan(text, templates, prices)!;
      const daemon = daemonEstimate(plan, maxTokens);
      near(plan.estimate.costUsd, daemon.costUsd);
      assert.deepEqual({ ...plan.estimate, costUsd: 0 }, { ...daemon, costUsd: 0 }, text);
    }
  });

  it("takes a typical prompt size that is within 15% of every built-in template's real prompts", () => {
    for (const file of builtinTemplates) {
      const template = file.data as Template;
      const chars = (['backend', 'frontend'] as const)
        .map((component) => buildPrompt({ template, component }))
        .reduce((sum, prompt) => sum + prompt.system.length + prompt.user.length, 0);
      const tokens = Math.ceil(chars / 4);
      assert.ok(
        Math.abs(tokens - TYPICAL_TEMPLATE_PROMPT_TOKENS) <= 0.15 * tokens,
        `${file.fileName}: ${tokens} prompt tokens`,
      );
    }
  });

  it('expands "all" to every known template', () => {
    const plan = readBatchPlan('{"models": ["sim/alpha"], "templates": "all"}', templates, prices);
    assert.deepEqual(plan?.templates, templates);
    assert.equal(plan?.jobs, 3);
  });

  it('estimates the priced models when one has no price, and names the one without', () => {
    const plan = readBatchPlan(
      '{"models": ["sim/alpha", "x/unknown"], "templates": ["quiz_app"]}',
      templates,
      prices,
    )!;
    assert.deepEqual(plan.estimate.unpricedModels, ['x/unknown']);
    near(plan.estimate.costUsd, 6600 * 0.000001 + 8000 * 0.000002);
    assert.match(
      describeBatchPlan(plan),
      /^Estimated cost: about \$0\.02 for 1 of 2 models, no price known for x\/unknown$/m,
    );
  });

  it('says unknown, naming them, when no model has a price', () => {
    const plan = readBatchPlan('{"models": ["x/a", "x/b"], "templates": ["quiz_app"]}', templates, prices)!;
    assert.match(describeBatchPlan(plan), /^Estimated cost: unknown \(no price known for x\/a, x\/b\)$/m);
  });

  it('caps the answer estimate by maxTokens', () => {
    const plan = readBatchPlan(
      '{"models": ["sim/alpha"], "templates": ["quiz_app"], "options": {"maxTokens": 1000}}',
      templates,
      prices,
    );
    near(plan?.estimate.costUsd ?? 0, (2600 + 1000) * 0.000001 + 2000 * 0.000002);
  });

  it('hands files it cannot read to the daemon by returning nothing', () => {
    for (const text of [
      '{',
      '[]',
      '{"models": [], "templates": "all"}',
      '{"models": ["a"], "templates": ["t"], "repeat": 0}',
    ]) {
      assert.equal(readBatchPlan(text, templates, prices), undefined, text);
    }
  });

  it('describes jobs, models, templates, concurrency, cost and budget', () => {
    const plan = readBatchPlan(
      '{"models": ["sim/alpha"], "templates": ["quiz_app"], "repeat": 2, "maxConcurrent": 2, "budgetUsd": 1.5}',
      templates,
      prices,
    )!;
    assert.equal(
      describeBatchPlan(plan),
      [
        '2 jobs: 1 × 1 × 2 (models × templates × repeat)',
        'Models: sim/alpha',
        'Templates: quiz_app',
        'At most 2 at once',
        'Estimated cost: about $0.05 (13,200 prompt + 16,000 answer tokens)',
        'Budget: $1.50',
      ].join('\n'),
    );
  });

  it('says when the estimate is above the budget', () => {
    const plan = readBatchPlan(
      '{"models": ["sim/alpha"], "templates": "all", "repeat": 10, "budgetUsd": 0.1}',
      templates,
      prices,
    )!;
    assert.match(describeBatchPlan(plan), /^Budget: \$0\.10, below the estimate/m);
  });
});

describe('batch plan: unknown names', () => {
  const known = ['sim/alpha', 'openai/gpt-4o', 'anthropic/claude-sonnet-4'];

  it('names unknown templates and models with the closest known name', () => {
    const plan = readBatchPlan(
      '{"models": ["sim/alpha", "openai/gpt-4", "nobody/at-all"], "templates": ["crud_todo_lst", "quiz_app"]}',
      templates,
      prices,
      known,
    )!;
    assert.deepEqual(plan.unknown, [
      { kind: 'template', name: 'crud_todo_lst', closest: 'crud_todo_list' },
      { kind: 'model', name: 'openai/gpt-4', closest: 'openai/gpt-4o' },
      { kind: 'model', name: 'nobody/at-all' },
    ]);
    const text = describeBatchPlan(plan);
    assert.match(text, /^Unknown template "crud_todo_lst" \(did you mean "crud_todo_list"\?\)$/m);
    assert.match(text, /^Unknown model "openai\/gpt-4" \(did you mean "openai\/gpt-4o"\?\)$/m);
    assert.match(text, /^Unknown model "nobody\/at-all"$/m);
  });

  it('knows a model by its slug as well as by its id', () => {
    const plan = readBatchPlan(
      '{"models": ["openai_gpt-4o"], "templates": ["quiz_app"]}',
      templates,
      prices,
      known,
    )!;
    assert.deepEqual(plan.unknown, []);
  });

  it('calls no model unknown when the model list cannot be had', () => {
    for (const list of [undefined, []]) {
      const plan = readBatchPlan('{"models": ["x/y"], "templates": ["quiz_app"]}', templates, prices, list)!;
      assert.deepEqual(plan.unknown, []);
    }
  });

  it('finds nothing unknown in a plan of known names, and says nothing of it', () => {
    const plan = readBatchPlan('{"models": ["sim/alpha"], "templates": "all"}', templates, prices, known)!;
    assert.deepEqual(plan.unknown, []);
    assert.doesNotMatch(describeBatchPlan(plan), /Unknown/);
  });
});
