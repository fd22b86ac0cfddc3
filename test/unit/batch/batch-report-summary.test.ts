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

/** The lines of a section, its heading left out. */
function section(markdown: string, name: string): string[] {
  const body = markdown.split(`\n## ${name}\n`)[1];
  assert.ok(body !== undefined, `the report has a section ${name}:\n${markdown}`);
  return body.split('\n## ')[0]!.trim().split('\n');
}

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

describe('the batch report: models', () => {
  it('has a row per model with its jobs, rates, cost, median duration, tokens and retries', () => {
    assert.deepEqual(section(renderBatchReport(INPUT), 'Models'), [
      '| model | jobs | succeeded | failed | cancelled | success rate | cost | median duration | tokens | retries |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      '| `openai/gpt-4o` | 4 | 2 | 1 | 1 | 67% | $0.0125 | 20.0 s | 1150 | 3 |',
      '| `sim/alpha` | 1 | 0 | 0 | 1 | – | $0.0000 | – | 0 | 0 |',
      '',
      'Success rate: succeeded of the jobs that succeeded or failed (cancelled ones are left out). Duration: from the start of a job to its end.',
    ]);
  });

  it('comes before the matrix of results', () => {
    const markdown = renderBatchReport(INPUT);
    const [models, results] = [markdown.indexOf('\n## Models\n'), markdown.indexOf('\n## Results\n')];
    assert.ok(models > 0 && models < results, markdown);
  });

  it("adds each model's mean check score once apps were checked, and a dash for a model none of whose apps scored", () => {
    const checkedAt = '2026-12-06T14:06:00.000Z';
    const jobs = [
      {
        ...JOBS[0]!,
        check: { verdict: 'passed' as const, score: 1, endpointsOk: 6, endpointsTotal: 6, checkedAt },
      },
      {
        ...JOBS[2]!,
        check: { verdict: 'partial' as const, score: 0.5, endpointsOk: 3, endpointsTotal: 6, checkedAt },
      },
      // A check under way has no score yet, and one skipped has none at all.
      { ...JOBS[3]!, check: { verdict: 'running' as const, score: 0, checkedAt } },
      { ...JOBS[4]!, check: { verdict: 'skipped' as const, reason: 'no python3', checkedAt } },
    ];
    const lines = section(renderBatchReport({ ...INPUT, jobs: [...jobs, JOBS[1]!] }), 'Models');
    assert.equal(
      lines[0],
      '| model | jobs | succeeded | failed | cancelled | success rate | mean check score | cost | median duration | tokens | retries |',
    );
    assert.equal(lines[2], '| `openai/gpt-4o` | 4 | 2 | 1 | 1 | 67% | 75% | $0.0125 | 20.0 s | 1150 | 3 |');
    assert.equal(lines[3], '| `sim/alpha` | 1 | 0 | 0 | 1 | – | – | $0.0000 | – | 0 | 0 |');
  });

  it('shows no rate of 100% or 0% that is not exact, and long durations in minutes', () => {
    const many = Array.from({ length: 200 }, (_, i) =>
      job({
        id: `m${i}`,
        model: 'a/m',
        appNum: i + 1,
        status: i === 0 ? 'failed' : 'succeeded',
        ...ran(125),
      }),
    );
    const few = Array.from({ length: 200 }, (_, i) =>
      job({ id: `f${i}`, model: 'b/m', appNum: i + 1, status: i === 0 ? 'succeeded' : 'failed' }),
    );
    const lines = section(renderBatchReport({ ...INPUT, jobs: [...many, ...few] }), 'Models');
    assert.match(lines[2]!, /^\| `a\/m` \| 200 \| 199 \| 1 \| 0 \| 99% \| \$0\.0000 \| 2 min 5 s \|/);
    assert.match(lines[3]!, /^\| `b\/m` \| 200 \| 1 \| 199 \| 0 \| 1% \|/);
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
