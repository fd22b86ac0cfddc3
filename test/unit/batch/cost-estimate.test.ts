import assert from 'node:assert/strict';
import { ASSUMED_ANSWER_TOKENS, estimateBatchCost } from '../../../daemon/batch/cost-estimate';
import type { Job } from '../../../shared/job';

function job(model: string, extra: Partial<Job> = {}): Job {
  return {
    id: `${model}-${Math.random()}`,
    templateSlug: 'crud_todo_list',
    model,
    modelSlug: model.replace('/', '_'),
    appNum: 1,
    appPath: 'generated/apps/x/app1',
    status: 'queued',
    attempts: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

describe('estimateBatchCost', () => {
  const prices = (model: string) =>
    model === 'a/priced' ? { promptPrice: 0.000001, completionPrice: 0.000002 } : undefined;

  it('prices prompt and assumed answer tokens for both calls of each job', () => {
    const estimate = estimateBatchCost({ jobs: [job('a/priced')], promptChars: () => 4000, prices });
    // 1000 prompt tokens + one answer carried into the frontend prompt; two answers.
    const prompt = 1000 + ASSUMED_ANSWER_TOKENS;
    const answer = 2 * ASSUMED_ANSWER_TOKENS;
    assert.equal(estimate.promptTokens, prompt);
    assert.equal(estimate.completionTokens, answer);
    assert.ok(Math.abs(estimate.costUsd - (prompt * 0.000001 + answer * 0.000002)) < 1e-12);
    assert.deepEqual(estimate.unpricedModels, []);
  });

  it('uses a smaller maxTokens and counts one call for a one-component job', () => {
    const estimate = estimateBatchCost({
      jobs: [job('a/priced', { components: ['frontend'], options: { maxTokens: 1000 } })],
      promptChars: () => 400,
      prices,
    });
    assert.equal(estimate.completionTokens, 1000);
    assert.equal(estimate.promptTokens, 100);
  });

  it('names models without a price instead of guessing', () => {
    const estimate = estimateBatchCost({
      jobs: [job('a/priced'), job('b/unknown'), job('b/unknown')],
      promptChars: () => 0,
      prices,
    });
    assert.deepEqual(estimate.unpricedModels, ['b/unknown']);
    assert.ok(estimate.costUsd > 0);
  });

  it("asks for each model's prices and each template's prompt size once, however many jobs share them", () => {
    const asked = { prices: 0, promptChars: 0 };
    const jobs = Array.from({ length: 10_000 }, (_, i) =>
      job(i % 2 ? 'a/priced' : 'b/unknown', { templateSlug: `t${i % 5}` }),
    );
    const estimate = estimateBatchCost({
      jobs,
      promptChars: () => {
        asked.promptChars++;
        return 4000;
      },
      prices: (model) => {
        asked.prices++;
        return prices(model);
      },
    });
    assert.deepEqual(asked, { prices: 2, promptChars: 5 });
    assert.equal(estimate.promptTokens, 10_000 * (1000 + ASSUMED_ANSWER_TOKENS));
    assert.deepEqual(estimate.unpricedModels, ['b/unknown']);
    const each = (1000 + ASSUMED_ANSWER_TOKENS) * 0.000001 + 2 * ASSUMED_ANSWER_TOKENS * 0.000002;
    assert.ok(Math.abs(estimate.costUsd - 5_000 * each) < 1e-6);
  });
});
