import { strict as assert } from 'node:assert';
import { renderBatchReport } from '../../../daemon/batch/batch-report';
import type { Job, JobCheck } from '../../../shared/job';
import { minimalJob } from '../../support/job-fixtures';

const at = '2026-01-01T00:00:00.000Z';
const app = (id: string, model: string, appNum: number, check?: JobCheck): Job =>
  minimalJob({
    id,
    model,
    modelSlug: model.replace('/', '_'),
    appNum,
    appPath: `generated/apps/${model.replace('/', '_')}/app${appNum}`,
    status: 'succeeded',
    ...(check ? { check } : {}),
  });

const JOBS = [
  app('a1', 'a/one', 1, {
    verdict: 'passed',
    score: 1,
    endpointsOk: 6,
    endpointsTotal: 6,
    problems: 0,
    checkedAt: at,
  }),
  app('a2', 'a/one', 2, {
    verdict: 'failed',
    score: 0,
    endpointsOk: 0,
    endpointsTotal: 6,
    problems: 1,
    reason: "backend/app.py:31: SyntaxError: expected ':'",
    checkedAt: at,
  }),
  app('b1', 'b/two', 3, {
    verdict: 'partial',
    score: 0.5,
    endpointsOk: 3,
    endpointsTotal: 6,
    problems: 0,
    checkedAt: at,
  }),
  app('b2', 'b/two', 4, { verdict: 'running', checkedAt: at }),
];
const report = () =>
  renderBatchReport({ batchId: 'b', file: 'appgen.batch.json', startedAt: at, finishedAt: at, jobs: JOBS });

describe('the batch report of checked apps', () => {
  it('counts the verdicts, and gives each cell its check and each model its mean score', () => {
    const markdown = report();
    assert.match(markdown, /^- Checks: 1 passed, 1 partial, 1 failed; mean score 50%$/m);
    const results = markdown.split('\n## Results\n')[1]!.split('\n## ')[0]!;
    const table = results.split('\n').filter((line) => line.startsWith('|'));
    assert.equal(table[0], '| model | crud_todo_list | score |');
    assert.equal(table[1], '| --- | --- | --- |');
    assert.match(
      table[2]!,
      /^\| `a\/one` \| .*app1.* · check passed 6\/6<br>.*app2.* · check failed 0\/6, 1 problem \| 50% \|$/,
    );
    assert.match(
      table[3]!,
      /app3.* · check partial 3\/6<br>✅ succeeded \[app4\]\([^)]*\) \| 50% \|$/,
      'a check under way shows nothing yet',
    );
  });

  it('lists the apps whose check failed or was partial, with the reason and the details file', () => {
    const section = report().split('## Check failures\n\n')[1]!.trim().split('\n');
    assert.deepEqual(section, [
      "- `a/one` crud_todo_list app2: failed 0/6, 1 problem: backend/app.py:31: SyntaxError: expected ':' ([details](../../.appgen/checks/a_one/app2/a2.json))",
      '- `b/two` crud_todo_list app3: partial 3/6 ([details](../../.appgen/checks/b_two/app3/b1.json))',
    ]);
  });

  it('gives no mean score when no check scored its app', () => {
    const skipped = JOBS.map((job) => ({ ...job, check: { verdict: 'skipped' as const, checkedAt: at } }));
    const markdown = renderBatchReport({
      batchId: 'b',
      file: 'f',
      startedAt: at,
      finishedAt: at,
      jobs: skipped,
    });
    assert.match(markdown, /^- Checks: 4 skipped$/m);
  });

  it('is as before for a batch none of whose apps was checked', () => {
    const plain = JOBS.map(({ check: _check, ...job }) => job);
    const markdown = renderBatchReport({
      batchId: 'b',
      file: 'f',
      startedAt: at,
      finishedAt: at,
      jobs: plain,
    });
    assert.doesNotMatch(markdown, /score|Checks:|Check failures/);
  });
});
