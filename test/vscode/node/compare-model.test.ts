import * as assert from 'node:assert/strict';
import { buildCompareData } from '../../../extension/compare/compare-model';
import type { Job } from '../../../shared/job';
import { makeJob } from './job-fixtures';

const now = new Date('2025-02-09T11:00:00Z');
const run = (id: string, model: string, template: string, appNum: number, extra: Partial<Job> = {}) =>
  makeJob({
    id,
    model,
    templateSlug: template,
    appNum,
    appPath: `generated/apps/${model.replace('/', '_')}/app${appNum}`,
    batchId: 'b1',
    createdAt: '2025-02-09T10:00:00Z',
    startedAt: '2025-02-09T10:00:00Z',
    finishedAt: '2025-02-09T10:00:10Z',
    ...extra,
  });

describe('compare model', () => {
  const jobs: Job[] = [
    run('a1', 'sim/alpha', 'quiz_app', 1, {
      usage: { promptTokens: 100, completionTokens: 50, costUsd: 0.01 },
      ...({ check: { verdict: 'passed', score: 1 } } as object),
    }),
    run('a2', 'sim/alpha', 'crud_todo_list', 2, {
      status: 'failed',
      error: { code: 'upstream', message: 'HTTP 500' },
      finishedAt: '2025-02-09T10:00:30Z',
    }),
    // A retry of the failed app replaces it in the matrix.
    run('a2r', 'sim/alpha', 'crud_todo_list', 2, {
      createdAt: '2025-02-09T10:01:00Z',
      usage: { promptTokens: 10, completionTokens: 5, costUsd: 0.03 },
      ...({ check: { verdict: 'partial', score: 0.5 } } as object),
    }),
    run('b1', 'sim/beta', 'quiz_app', 1, { status: 'failed', error: { code: 'timeout', message: 'slow' } }),
    run('other', 'sim/beta', 'quiz_app', 3, { batchId: 'b2' }),
  ];

  it('lays a batch out as templates x models, one run per app, the latest job of each', () => {
    const data = buildCompareData(jobs, { batchId: 'b1' }, now);
    assert.deepEqual(data.templates, ['crud_todo_list', 'quiz_app']);
    assert.deepEqual(data.models, ['sim/alpha', 'sim/beta']);
    const cell = data.cells.find((c) => c.template === 'crud_todo_list' && c.model === 'sim/alpha');
    assert.deepEqual(
      cell?.runs.map((r) => [r.jobId, r.status, r.score]),
      [['a2r', 'succeeded', 0.5]],
    );
    const failed = data.cells.find((c) => c.template === 'quiz_app' && c.model === 'sim/beta')!.runs[0]!;
    assert.equal(failed.error, 'timeout: slow');
    assert.equal(failed.durationMs, 10_000);
  });

  it('sums each model up: success rate, mean score, total cost, median duration', () => {
    const data = buildCompareData(jobs, { batchId: 'b1' }, now);
    const alpha = data.summaries.find((s) => s.model === 'sim/alpha')!;
    assert.equal(alpha.successRate, 1);
    assert.equal(alpha.meanScore, 0.75);
    assert.ok(Math.abs(alpha.totalCostUsd - 0.04) < 1e-12);
    assert.equal(alpha.medianDurationMs, 10_000);
    const beta = data.summaries.find((s) => s.model === 'sim/beta')!;
    assert.equal(beta.successRate, 0);
    assert.equal(beta.meanScore, undefined);
  });

  it('compares every run of a template across batches when asked for all history', () => {
    const data = buildCompareData(jobs, { templateSlug: 'quiz_app' }, now);
    assert.deepEqual(data.templates, ['quiz_app']);
    const beta = data.cells.find((c) => c.model === 'sim/beta')!;
    assert.deepEqual(
      beta.runs.map((r) => r.appNum),
      [1, 3],
    );
    assert.equal(data.title, 'All runs of quiz_app');
  });
});
