import assert from 'node:assert/strict';
import {
  formatDuration,
  inlineText,
  jobDurationMs,
  percent,
  STATUS_MARKS,
  utcMinute,
} from '../../../daemon/batch/report-format';
import { JOB_STATUSES } from '../../../shared/job';
import { minimalJob } from '../../support/job-fixtures';

describe('report-format', () => {
  it('marks every status with an emoji and its word', () => {
    for (const status of JOB_STATUSES)
      assert.match(STATUS_MARKS[status], new RegExp(`^\\p{Extended_Pictographic} ${status}$`, 'u'));
  });

  it('rounds percentages to whole ones, but only an exact 1 or 0 to 100% or 0%', () => {
    assert.deepEqual([0, 0.004, 0.5, 2 / 3, 0.996, 1].map(percent), [
      '0%',
      '1%',
      '50%',
      '67%',
      '99%',
      '100%',
    ]);
  });

  it('gives durations in seconds, then minutes, then hours', () => {
    assert.deepEqual([400, 12_500, 59_949, 59_960, 125_000, 3_599_000, 3_780_000].map(formatDuration), [
      '0.4 s',
      '12.5 s',
      '59.9 s',
      '1 min 0 s',
      '2 min 5 s',
      '59 min 59 s',
      '1 h 3 min',
    ]);
  });

  it('measures a job from its start to its end, and not when either is missing or they make no sense', () => {
    const at = (startedAt?: string, finishedAt?: string) =>
      jobDurationMs(
        minimalJob({ ...(startedAt ? { startedAt } : {}), ...(finishedAt ? { finishedAt } : {}) }),
      );
    assert.equal(at('2026-12-06T14:03:00.000Z', '2026-12-06T14:03:12.500Z'), 12_500);
    assert.equal(at('2026-12-06T14:03:00.000Z'), undefined);
    assert.equal(at('2026-12-06T14:03:00.000Z', 'later'), undefined);
    assert.equal(at('2026-12-06T14:03:10.000Z', '2026-12-06T14:03:00.000Z'), undefined);
  });

  it('gives a time to the minute in UTC, reading a time without a zone as UTC', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/St_Johns';
    try {
      assert.equal(utcMinute('2026-12-06T14:03:59.999Z'), '2026-12-06 14:03 UTC');
      assert.equal(utcMinute('2026-12-06T10:33:00-03:30'), '2026-12-06 14:03 UTC');
      assert.equal(utcMinute('2026-12-06T14:03'), '2026-12-06 14:03 UTC');
      assert.equal(utcMinute('not a time'), undefined);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('puts text on one line, cut, with its Markdown characters escaped', () => {
    assert.equal(
      inlineText('a *b*\n`c` [d](e) <f> _g_ | #h'),
      'a \\*b\\* \\`c\\` \\[d\\](e) \\<f\\> \\_g\\_ \\| \\#h',
    );
    assert.equal(inlineText('x'.repeat(300)).length, 200);
  });
});
