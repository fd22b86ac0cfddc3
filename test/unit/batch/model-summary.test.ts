import assert from 'node:assert/strict';
import { modelSummaryLines, summarizeJobs } from '../../../daemon/batch/model-summary';
import type { Job } from '../../../shared/job';
import { minimalJob } from '../../support/job-fixtures';

const START = Date.parse('2026-12-06T14:03:00.000Z');
const took = (seconds: number): Partial<Job> => ({
  startedAt: new Date(START).toISOString(),
  finishedAt: new Date(START + seconds * 1000).toISOString(),
});

describe('summarizeJobs', () => {
  it('counts the jobs by status and adds up cost, tokens and retries, of failed jobs too', () => {
    const summary = summarizeJobs([
      minimalJob({
        status: 'succeeded',
        retries: 1,
        usage: { promptTokens: 10, completionTokens: 90, costUsd: 0.01 },
      }),
      minimalJob({
        status: 'failed',
        retries: 2,
        usage: { promptTokens: 10, completionTokens: 5, costUsd: 0.002 },
      }),
      minimalJob({ status: 'cancelled' }),
      minimalJob({ status: 'succeeded', usage: { promptTokens: 1, completionTokens: 1 } }),
    ]);
    assert.deepEqual(
      { ...summary, costUsd: summary.costUsd.toFixed(4) },
      {
        jobs: 4,
        succeeded: 2,
        failed: 1,
        cancelled: 1,
        successRate: 2 / 3,
        costUsd: '0.0120',
        tokens: 117,
        retries: 3,
      },
    );
  });

  it('takes the median duration of the jobs that started and ended: the middle one, or the mean of the two', () => {
    const odd = summarizeJobs(
      [took(30), took(10), minimalJob({ status: 'cancelled' }), took(20)].map((f) => minimalJob(f)),
    );
    assert.equal(odd.medianDurationMs, 20_000);
    const even = summarizeJobs([took(40), took(10), took(20), took(1)].map((f) => minimalJob(f)));
    assert.equal(even.medianDurationMs, 15_000);
    assert.equal(summarizeJobs([minimalJob()]).medianDurationMs, undefined);
  });

  it('averages the scores of the ended checks that have one, and has no rate without jobs that ended', () => {
    const checkedAt = '2026-12-06T14:05:00.000Z';
    const summary = summarizeJobs([
      minimalJob({ status: 'cancelled', check: { verdict: 'passed', score: 1, checkedAt } }),
      minimalJob({ status: 'cancelled', check: { verdict: 'failed', score: 0, checkedAt } }),
      minimalJob({ status: 'cancelled', check: { verdict: 'running', score: 0.2, checkedAt } }),
      minimalJob({ status: 'cancelled', check: { verdict: 'skipped', checkedAt } }),
    ]);
    assert.equal(summary.meanScore, 0.5);
    assert.equal(summary.successRate, undefined);
  });
});

describe('modelSummaryLines', () => {
  it('right-aligns the figures and shows a dash where there is none', () => {
    const lines = modelSummaryLines(
      [{ model: 'a/m', summary: summarizeJobs([minimalJob({ status: 'cancelled' })]) }],
      true,
    );
    assert.deepEqual(lines.slice(0, 3), [
      '| model | jobs | succeeded | failed | cancelled | success rate | mean check score | cost | median duration | tokens | retries |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      '| `a/m` | 1 | 0 | 0 | 1 | – | – | $0.0000 | – | 0 | 0 |',
    ]);
  });
});
