import assert from 'node:assert/strict';
import { type BatchReportInput, renderBatchReport } from '../../../daemon/batch/batch-report';
import type { Job } from '../../../shared/job';
import { modelSlug } from '../../../shared/model-slug';

function job(fields: Partial<Job> & Pick<Job, 'id' | 'model' | 'appNum' | 'status'>): Job {
  const slug = modelSlug(fields.model);
  return {
    batchId: 'batch-7',
    templateSlug: 'crud_todo_list',
    modelSlug: slug,
    appPath: `generated/apps/${slug}/app${fields.appNum}`,
    attempts: 1,
    createdAt: '2026-12-06T14:03:00.000Z',
    ...fields,
  };
}

/** A job that ran from 14:04:00 for `seconds`. */
function ran(seconds: number): Pick<Job, 'startedAt' | 'finishedAt'> {
  return {
    startedAt: '2026-12-06T14:04:00.000Z',
    finishedAt: new Date(Date.parse('2026-12-06T14:04:00.000Z') + seconds * 1000).toISOString(),
  };
}

const JOBS: Job[] = [
  job({
    id: 'a1',
    model: 'openai/gpt-4o',
    appNum: 1,
    status: 'succeeded',
    ...ran(10),
    retries: 1,
    usage: { promptTokens: 100, completionTokens: 900, costUsd: 0.01 },
  }),
  job({
    id: 'a2',
    model: 'openai/gpt-4o',
    appNum: 2,
    status: 'failed',
    ...ran(30),
    retries: 2,
    // A cut-off answer: the call was paid for.
    usage: { promptTokens: 100, completionTokens: 50, costUsd: 0.0025 },
    error: { code: 'truncated', message: 'the answer was cut off' },
  }),
  job({ id: 'a3', model: 'openai/gpt-4o', appNum: 3, status: 'succeeded', ...ran(20) }),
  job({ id: 'a4', model: 'openai/gpt-4o', appNum: 4, status: 'cancelled' }),
  job({
    id: 'b1',
    model: 'sim/alpha',
    appNum: 1,
    status: 'cancelled',
    error: { code: 'cancelled', message: 'Cancelled' },
  }),
];

const INPUT: BatchReportInput = {
  batchId: 'batch-7',
  file: 'appgen.batch.json',
  startedAt: '2026-12-06T14:03:27.120Z',
  finishedAt: '2026-12-06T14:05:00.000Z',
  jobs: JOBS,
};

describe('the batch report: title', () => {
  it('names the batch file and the minute the batch started, in UTC, and keeps the id on a line of its own', () => {
    const lines = renderBatchReport(INPUT).split('\n');
    assert.equal(lines[0], '# Batch appgen.batch.json, 2026-12-06 14:03 UTC');
    assert.equal(lines.filter((line) => line === '- Batch: batch-7').length, 1);
    assert.ok(lines.includes('- File: `appgen.batch.json`'));
  });

  it('gives the time in UTC whatever the time zone of the machine', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'Asia/Kolkata';
    try {
      const title = (startedAt: string) => renderBatchReport({ ...INPUT, startedAt }).split('\n')[0];
      assert.equal(title('2026-12-06T19:33:00.000+05:30'), '# Batch appgen.batch.json, 2026-12-06 14:03 UTC');
      // A time recorded without a zone is UTC, as every stored time is.
      assert.equal(title('2026-12-06T14:03:59'), '# Batch appgen.batch.json, 2026-12-06 14:03 UTC');
      assert.equal(title('2026-12-31T23:59:00.000Z'), '# Batch appgen.batch.json, 2026-12-31 23:59 UTC');
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('names the file from a folder as given, its Markdown characters escaped, on one line', () => {
    const title = renderBatchReport({ ...INPUT, file: 'batches/my *nightly*\nrun_[1].jsonc' }).split('\n')[0];
    assert.equal(title, '# Batch batches/my \\*nightly\\* run\\_\\[1\\].jsonc, 2026-12-06 14:03 UTC');
  });

  it('says what it does not know: a batch rebuilt without its file, a start time that is not one', () => {
    const title = renderBatchReport({ ...INPUT, file: '', startedAt: 'yesterday' }).split('\n')[0];
    assert.equal(title, '# Batch (file unknown), start time unknown');
  });
});

describe('the batch report: status words', () => {
  it('writes the word of its status after every emoji, in every section', () => {
    const checkedAt = '2026-12-06T14:06:00.000Z';
    const jobs: Job[] = [
      ...JOBS,
      job({ id: 'q', model: 'sim/beta', appNum: 1, status: 'queued' }),
      job({ id: 'r', model: 'sim/beta', appNum: 2, status: 'running' }),
      job({
        id: 'w',
        model: 'sim/beta',
        appNum: 3,
        status: 'succeeded',
        warnings: [{ code: 'unresolved_import', message: 'app.py imports models' }],
        check: { verdict: 'partial', score: 0.5, endpointsOk: 3, endpointsTotal: 6, checkedAt },
      }),
    ];
    const markdown = renderBatchReport({ ...INPUT, jobs, note: 'Budget of $0.01 reached' });
    const emoji = [...markdown.matchAll(/\p{Extended_Pictographic}\uFE0F?/gu)];
    assert.ok(emoji.length >= 9, `the report shows its statuses with emoji:\n${markdown}`);
    for (const found of emoji) {
      const after = markdown.slice(found.index! + found[0].length, found.index! + found[0].length + 20);
      assert.match(
        after,
        /^ (succeeded|failed|cancelled|queued|running|\d+ warnings?)\b/,
        `${found[0]} is followed by "${after}"`,
      );
    }
    for (const word of [
      '✅ succeeded',
      '❌ failed',
      '⏹ cancelled',
      '⏳ queued',
      '🔄 running',
      '⚠ 1 warning',
    ]) {
      assert.ok(markdown.includes(word), `the report has ${word}`);
    }
  });
});
