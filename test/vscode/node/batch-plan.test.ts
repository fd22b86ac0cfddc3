import * as assert from 'node:assert/strict';
import { describeBatchPlan, readBatchPlan } from '../../../extension/batch-plan';

const templates = ['crud_todo_list', 'api_url_shortener', 'quiz_app'];
const prices = new Map([
  ['sim/alpha', { prompt: 0.000001, completion: 0.000002 }],
  ['sim/free', { prompt: 0, completion: 0 }],
]);

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
    assert.deepEqual(plan?.unpricedModels, []);
    // 3 apps of sim/alpha at 6k prompt + 12k completion tokens each; sim/free costs nothing.
    assert.ok(Math.abs((plan?.estimatedCostUsd ?? 0) - 3 * (0.006 + 0.024)) < 1e-9);
  });

  it('expands "all" to every known template', () => {
    const plan = readBatchPlan('{"models": ["sim/alpha"], "templates": "all"}', templates, prices);
    assert.deepEqual(plan?.templates, templates);
    assert.equal(plan?.jobs, 3);
  });

  it('leaves the cost unknown when a model has no price, and says which', () => {
    const plan = readBatchPlan(
      '{"models": ["sim/alpha", "x/unknown"], "templates": ["quiz_app"]}',
      templates,
      prices,
    );
    assert.equal(plan?.estimatedCostUsd, undefined);
    assert.match(describeBatchPlan(plan!), /Estimated cost: unknown \(no price for x\/unknown\)/);
  });

  it('caps the completion estimate by maxTokens', () => {
    const plan = readBatchPlan(
      '{"models": ["sim/alpha"], "templates": ["quiz_app"], "options": {"maxTokens": 1000}}',
      templates,
      prices,
    );
    assert.ok(Math.abs((plan?.estimatedCostUsd ?? 0) - (0.006 + 2000 * 0.000002)) < 1e-9);
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
        'Estimated cost: about $0.06',
        'Budget: $1.50',
      ].join('\n'),
    );
  });
});
