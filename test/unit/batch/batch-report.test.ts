import assert from 'node:assert/strict';
import {
  type BatchReportInput,
  groupReportJobs,
  renderBatchReport,
} from '../../../daemon/batch/batch-report';
import type { Job } from '../../../shared/job';
import { modelSlug } from '../../../shared/model-slug';

function job(fields: Partial<Job> & Pick<Job, 'id' | 'model' | 'templateSlug' | 'appNum' | 'status'>): Job {
  const slug = modelSlug(fields.model);
  return {
    batchId: 'batch-1',
    modelSlug: slug,
    appPath: `generated/apps/${slug}/app${fields.appNum}`,
    attempts: 1,
    createdAt: '2025-02-09T10:00:00.000Z',
    ...fields,
  };
}

const JOBS: Job[] = [
  job({
    id: 'j1',
    model: 'openai/gpt-4o',
    templateSlug: 'crud_todo_list',
    appNum: 1,
    status: 'succeeded',
    startedAt: '2025-02-09T10:00:01.000Z',
    finishedAt: '2025-02-09T10:00:13.500Z',
    usage: { promptTokens: 100, completionTokens: 900, costUsd: 0.0125 },
  }),
  job({
    id: 'j2',
    model: 'sim/fail-always',
    templateSlug: 'crud_todo_list',
    appNum: 1,
    status: 'failed',
    error: { code: 'upstream', message: 'HTTP 500 from the provider\nafter 3 attempts', status: 500 },
  }),
  job({
    id: 'j3',
    model: 'openai/gpt-4o',
    templateSlug: 'api_url_shortener',
    appNum: 2,
    status: 'cancelled',
    error: { code: 'cancelled', message: 'Budget of $0.01 reached' },
  }),
  job({
    id: 'j4',
    model: 'sim/fail-always',
    templateSlug: 'api_url_shortener',
    appNum: 2,
    status: 'succeeded',
    usage: { promptTokens: 10, completionTokens: 20 },
  }),
];

const INPUT: BatchReportInput = {
  batchId: 'batch-1',
  file: 'appgen.batch.json',
  startedAt: '2025-02-09T10:00:00.000Z',
  finishedAt: '2025-02-09T10:01:00.000Z',
  jobs: JOBS,
};

/** The lines of a section's table, header first. */
function tableLines(markdown: string, section = 'Results'): string[] {
  const body = markdown.split(`\n## ${section}\n`)[1]?.split('\n## ')[0] ?? '';
  return body.split('\n').filter((line) => line.startsWith('|'));
}

describe('renderBatchReport', () => {
  it('heads the report with the batch, file, times, counts, tokens and cost', () => {
    const lines = renderBatchReport(INPUT).split('\n');
    assert.equal(lines[0], '# Batch appgen.batch.json, 2025-02-09 10:00 UTC');
    assert.ok(lines.includes('- Batch: batch-1'));
    assert.ok(lines.includes('- File: `appgen.batch.json`'));
    assert.ok(lines.includes('- Started: 2025-02-09T10:00:00.000Z'));
    assert.ok(lines.includes('- Finished: 2025-02-09T10:01:00.000Z'));
    assert.ok(lines.includes('- Jobs: 4 (2 succeeded, 1 failed, 1 cancelled)'));
    assert.ok(lines.includes('- Tokens: 1030'));
    assert.ok(lines.includes('- Cost: $0.0125'));
  });

  it('lays the results out as a models x templates matrix, both sorted', () => {
    const [header, separator, ...rows] = tableLines(renderBatchReport(INPUT));
    assert.equal(header, '| model | api_url_shortener | crud_todo_list |');
    assert.equal(separator, '| --- | --- | --- |');
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, /^\| `openai\/gpt-4o` \| /);
    assert.match(rows[1]!, /^\| `sim\/fail-always` \| /);
  });

  it('fills each cell with status, app link, duration, tokens, cost and error code', () => {
    const rows = tableLines(renderBatchReport(INPUT)).slice(2);
    const cells = rows.map((row) => row.split(' | ').slice(1));
    assert.equal(
      cells[0]![1],
      '✅ succeeded [app1](../../generated/apps/openai_gpt-4o/app1) · 12.5 s · 1000 tok · $0.0125 |',
    );
    assert.equal(cells[0]![0], '⏹ cancelled [app2](../../generated/apps/openai_gpt-4o/app2) · `cancelled`');
    assert.equal(cells[1]![1], '❌ failed [app1](../../generated/apps/sim_fail-always/app1) · `upstream` |');
    assert.equal(cells[1]![0], '✅ succeeded [app2](../../generated/apps/sim_fail-always/app2) · 30 tok');
  });

  it('puts every app of a pair in its cell when a batch repeats', () => {
    const repeated = [
      job({ id: 'r2', model: 'a/m', templateSlug: 't', appNum: 2, status: 'failed' }),
      job({ id: 'r1', model: 'a/m', templateSlug: 't', appNum: 1, status: 'succeeded' }),
    ];
    const rows = tableLines(renderBatchReport({ ...INPUT, jobs: repeated })).slice(2);
    assert.deepEqual(rows, [
      '| `a/m` | ✅ succeeded [app1](../../generated/apps/a_m/app1)<br>❌ failed [app2](../../generated/apps/a_m/app2) |',
    ]);
  });

  it('leaves a cell empty when a model has no job for a template', () => {
    const partial = [JOBS[0]!, JOBS[1]!, JOBS[2]!];
    const rows = tableLines(renderBatchReport({ ...INPUT, jobs: partial })).slice(2);
    assert.match(rows[1]!, /^\| `sim\/fail-always` \| {2}\| ❌ failed/);
  });

  it('lists failed and cancelled jobs with their error code, HTTP status and one-line message', () => {
    const markdown = renderBatchReport(INPUT);
    const failures = markdown.split('## Failures\n\n')[1]!.trim().split('\n');
    assert.deepEqual(failures, [
      '- `openai/gpt-4o` api_url_shortener app2: `cancelled`: Budget of $0.01 reached',
      '- `sim/fail-always` crud_todo_list app1: `upstream` (HTTP 500): HTTP 500 from the provider after 3 attempts',
    ]);
  });

  it('has no failures section when everything succeeded', () => {
    const markdown = renderBatchReport({ ...INPUT, jobs: [JOBS[0]!] });
    assert.doesNotMatch(markdown, /## Failures/);
    assert.match(markdown, /- Jobs: 1 \(1 succeeded, 0 failed, 0 cancelled\)/);
  });

  it('shows the note, such as why the batch stopped', () => {
    const markdown = renderBatchReport({ ...INPUT, note: 'Budget of $0.01 reached' });
    assert.match(markdown, /^- Note: Budget of \$0\.01 reached$/m);
    assert.doesNotMatch(renderBatchReport(INPUT), /Note:/);
  });

  it('shows the hash of the prompts each job sent, and the prompt files the batch overrode', () => {
    const hashed = [
      {
        ...JOBS[0]!,
        promptHash: 'a1b2c3d4e5f6a7b8c9d0'.padEnd(64, '0'),
        promptOverrides: ['backend.user.hbs'],
      },
      { ...JOBS[1]!, promptHash: 'ffeeddccbbaa99887766'.padEnd(64, '0') },
    ];
    const markdown = renderBatchReport({ ...INPUT, jobs: hashed });
    const cells = tableLines(markdown)
      .slice(2)
      .map((row) => row.split(' | ')[1]);
    assert.deepEqual(cells, [
      '✅ succeeded [app1](../../generated/apps/openai_gpt-4o/app1) · 12.5 s · 1000 tok · $0.0125 · prompt `a1b2c3d4e5f6` |',
      '❌ failed [app1](../../generated/apps/sim_fail-always/app1) · `upstream` · prompt `ffeeddccbbaa` |',
    ]);
    assert.match(markdown, /^- Prompt files overridden: backend\.user\.hbs$/m);
    assert.doesNotMatch(renderBatchReport(INPUT), /Prompt files overridden/);
  });

  it('says the file is unknown for a batch rebuilt without one', () => {
    assert.match(renderBatchReport({ ...INPUT, file: '' }), /^- File: `\(unknown\)`$/m);
  });

  it('escapes a message that would break the Markdown and cuts long ones', () => {
    const failing = job({
      id: 'x',
      model: 'a/m',
      templateSlug: 't',
      appNum: 1,
      status: 'failed',
      error: { code: 'bad_request', message: `a | b ${'z'.repeat(400)}` },
    });
    const line = renderBatchReport({ ...INPUT, jobs: [failing] })
      .split('\n')
      .find((l) => l.startsWith('- `a/m`'))!;
    assert.ok(line.includes('a \\| b'), line);
    assert.ok(line.length < 400, `line is ${line.length} characters`);
  });

  it('encodes app links whose output folder has spaces', () => {
    const spaced = { ...JOBS[0]!, appPath: 'my apps/openai_gpt-4o/app1' };
    assert.match(
      renderBatchReport({ ...INPUT, jobs: [spaced] }),
      /\(\.\.\/\.\.\/my%20apps\/openai_gpt-4o\/app1\)/,
    );
  });

  it('does not depend on the order of the jobs it is given', () => {
    assert.equal(renderBatchReport(INPUT), renderBatchReport({ ...INPUT, jobs: [...JOBS].reverse() }));
  });

  it("builds the report of 20,000 models in one pass: each job's model and template are read at most twice", () => {
    const reads = { model: 0, templateSlug: 0 };
    const jobs = Array.from({ length: 20_000 }, (_, i) => {
      const plain = job({
        id: `big-${i}`,
        model: `vendor/model-${String(i).padStart(5, '0')}`,
        templateSlug: 'crud_todo_list',
        appNum: 1,
        status: i % 4 === 0 ? 'failed' : 'succeeded',
      });
      // Counts every read of the two fields the matrix is keyed by.
      return new Proxy(plain, {
        get(target, key, receiver) {
          if (key === 'model' || key === 'templateSlug') reads[key]++;
          return Reflect.get(target, key, receiver);
        },
      });
    });
    const markdown = renderBatchReport({ ...INPUT, jobs });
    assert.ok(reads.model <= 2 * jobs.length, `model read ${reads.model} times for ${jobs.length} jobs`);
    assert.ok(
      reads.templateSlug <= 2 * jobs.length,
      `templateSlug read ${reads.templateSlug} times for ${jobs.length} jobs`,
    );
    const rows = tableLines(markdown).slice(2);
    assert.equal(rows.length, 20_000);
    assert.equal(
      rows[0],
      '| `vendor/model-00000` | ❌ failed [app1](../../generated/apps/vendor_model-00000/app1) |',
    );
    assert.equal(
      rows[19_999],
      '| `vendor/model-19999` | ✅ succeeded [app1](../../generated/apps/vendor_model-19999/app1) |',
    );
    assert.match(markdown, /- Jobs: 20000 \(15000 succeeded, 5000 failed, 0 cancelled\)/);
  });

  it("builds the report of thousands of checked models in one pass: each job's model is read at most twice", () => {
    let reads = 0;
    const models = 4000;
    const jobs = Array.from({ length: models }, (_, i) => {
      const plain = job({
        id: `checked-${i}`,
        model: `vendor/model-${String(i).padStart(5, '0')}`,
        templateSlug: 'crud_todo_list',
        appNum: 1,
        status: 'succeeded',
        check: { verdict: 'passed', score: 1, checkedAt: '2025-02-09T10:02:00.000Z' },
      });
      return new Proxy(plain, {
        get(target, key, receiver) {
          if (key === 'model') reads++;
          return Reflect.get(target, key, receiver);
        },
      });
    });
    const markdown = renderBatchReport({ ...INPUT, jobs });
    assert.ok(reads <= 2 * jobs.length, `model read ${reads} times for ${jobs.length} jobs`);
    const rows = tableLines(markdown).slice(2);
    assert.equal(rows.length, models);
    assert.match(rows[0]!, /^\| `vendor\/model-00000` \| .* \| 100% \|$/);
    assert.equal(tableLines(markdown, 'Models').length, models + 2);
  });
});

describe('groupReportJobs', () => {
  const jobs = [
    job({ id: 'b2', model: 'b/m', templateSlug: 'y', appNum: 2, status: 'succeeded' }),
    job({ id: 'a3', model: 'a/m', templateSlug: 'x', appNum: 3, status: 'failed' }),
    job({ id: 'b1', model: 'b/m', templateSlug: 'y', appNum: 1, status: 'queued' }),
    job({ id: 'a1', model: 'a/m', templateSlug: 'y', appNum: 1, status: 'succeeded' }),
    job({ id: 'B1', model: 'B/m', templateSlug: 'X', appNum: 1, status: 'cancelled' }),
    job({ id: 'a1bis', model: 'a/m', templateSlug: 'x', appNum: 1, status: 'running' }),
  ];
  const ids = (list: readonly Job[]) => list.map((j) => j.id);

  it('sorts models and templates by code point', () => {
    const grid = groupReportJobs(jobs);
    assert.deepEqual(grid.models, ['B/m', 'a/m', 'b/m']);
    assert.deepEqual(grid.templates, ['X', 'x', 'y']);
  });

  it('puts each job in the cell of its model and template, by app number', () => {
    const grid = groupReportJobs(jobs);
    assert.deepEqual(ids(grid.cell('a/m', 'x')), ['a1bis', 'a3']);
    assert.deepEqual(ids(grid.cell('a/m', 'y')), ['a1']);
    assert.deepEqual(ids(grid.cell('b/m', 'y')), ['b1', 'b2']);
    assert.deepEqual(ids(grid.cell('B/m', 'X')), ['B1']);
    assert.deepEqual(ids(grid.cell('b/m', 'x')), [], 'a pair without a job has an empty cell');
    assert.deepEqual(ids(grid.cell('c/m', 'x')), [], 'so has a model the batch does not have');
  });

  it('orders every job by model, then app number, keeping the given order of equal numbers', () => {
    const grid = groupReportJobs(jobs);
    assert.deepEqual(ids(grid.ordered), ['B1', 'a1', 'a1bis', 'a3', 'b1', 'b2']);
  });
});

describe('renderBatchReport: incomplete apps and retries', () => {
  const warned = job({
    id: 'w1',
    model: 'openai/gpt-4o',
    templateSlug: 'crud_todo_list',
    appNum: 3,
    status: 'succeeded',
    attempts: 3,
    retries: 1,
    warnings: [{ code: 'unresolved_import', message: 'app.py imports models, which the app does not have' }],
  });

  it('marks an incomplete app in its cell with its retries, and lists its warnings', () => {
    const report = renderBatchReport({ ...INPUT, jobs: [warned] });
    assert.match(report, /app3\]\([^)]*\) · ⚠ 1 warning · 1 retry/);
    assert.match(report, /^## Incomplete apps$/m);
    assert.match(
      report,
      /^- `openai\/gpt-4o` crud_todo_list app3: unresolved_import: app\.py imports models/m,
    );
  });

  it('says nothing of warnings when no app has any', () => {
    assert.doesNotMatch(renderBatchReport(INPUT), /Incomplete apps/);
  });
});
