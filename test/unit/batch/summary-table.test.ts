import assert from 'node:assert/strict';
import {
  formatAgo,
  formatCost,
  formatDuration,
  jobSummaryTable,
  renderTable,
} from '../../../cli/summary-table';
import type { Job } from '../../../shared/job';

function job(fields: Partial<Job> & Pick<Job, 'id' | 'model' | 'templateSlug' | 'appNum' | 'status'>): Job {
  return {
    modelSlug: fields.model.replace(/\//g, '_'),
    appPath: `generated/apps/x/app${fields.appNum}`,
    attempts: 1,
    createdAt: '2025-02-09T10:00:00.000Z',
    ...fields,
  };
}

describe('summary table', () => {
  describe('renderTable', () => {
    it('pads columns to their widest cell, underlines the header and trims line ends', () => {
      assert.equal(
        renderTable(
          ['name', 'n'],
          [
            ['a', '12345'],
            ['longer', ''],
          ],
        ),
        ['name    n', '------  -----', 'a       12345', 'longer'].join('\n'),
      );
    });

    it('prints only the header when there are no rows', () => {
      assert.equal(renderTable(['a', 'bb'], []), 'a  bb\n-  --');
    });
  });

  describe('formatting', () => {
    it('gives a duration in seconds with one decimal, or nothing for an unfinished job', () => {
      const base = job({ id: '1', model: 'a/m', templateSlug: 't', appNum: 1, status: 'succeeded' });
      assert.equal(
        formatDuration({
          ...base,
          startedAt: '2025-02-09T10:00:00.000Z',
          finishedAt: '2025-02-09T10:01:02.340Z',
        }),
        '62.3s',
      );
      assert.equal(formatDuration({ ...base, startedAt: '2025-02-09T10:00:00.000Z' }), '');
      assert.equal(formatDuration(base), '');
    });

    it('gives a cost with four decimals, or nothing when unknown', () => {
      assert.equal(formatCost(0.00123456), '$0.0012');
      assert.equal(formatCost(0), '$0.0000');
      assert.equal(formatCost(undefined), '');
    });

    it('says how long ago a UTC timestamp was', () => {
      const now = new Date('2025-02-09T10:03:00.000Z');
      assert.equal(formatAgo('2025-02-09T10:00:00.000Z', now), '3 minutes ago');
      assert.equal(formatAgo('2025-02-08T10:03:00Z', now), '1 day ago');
    });
  });

  describe('jobSummaryTable', () => {
    const jobs: Job[] = [
      job({
        id: '3',
        model: 'sim/fail-always',
        templateSlug: 'crud_todo_list',
        appNum: 1,
        status: 'failed',
        error: { code: 'upstream', message: `HTTP 500\n  ${'x'.repeat(200)}`, status: 500 },
      }),
      job({
        id: '2',
        model: 'sim/alpha',
        templateSlug: 'kanban_board',
        appNum: 2,
        status: 'succeeded',
        startedAt: '2025-02-09T10:00:00.000Z',
        finishedAt: '2025-02-09T10:00:01.500Z',
        usage: { promptTokens: 300, completionTokens: 700, costUsd: 0.002 },
      }),
      job({ id: '1', model: 'sim/alpha', templateSlug: 'crud_todo_list', appNum: 1, status: 'cancelled' }),
    ];

    it('prints one row per job sorted by model, template and app, with time, tokens, cost and error', () => {
      const lines = jobSummaryTable(jobs).split('\n');
      assert.match(lines[0]!, /^model\s+template\s+app\s+status\s+time\s+tokens\s+cost\s+error$/);
      assert.equal(lines.length, 5);
      assert.match(lines[2]!, /^sim\/alpha\s+crud_todo_list\s+app1\s+cancelled$/);
      assert.match(lines[3]!, /^sim\/alpha\s+kanban_board\s+app2\s+succeeded\s+1\.5s\s+1000\s+\$0\.0020$/);
      assert.match(lines[4]!, /^sim\/fail-always\s+crud_todo_list\s+app1\s+failed\s+upstream: HTTP 500 x+$/);
    });

    it('keeps an error message on one line and short', () => {
      const row = jobSummaryTable(jobs).split('\n')[4]!;
      const error = row.slice(row.indexOf('upstream: '));
      assert.ok(!error.includes('\n'));
      assert.equal(error.length, 'upstream: '.length + 80);
    });
  });
});
