import assert from 'node:assert/strict';
import {
  countJobs,
  describeJob,
  type ProgressCounts,
  ProgressView,
  progressLine,
} from '../../../cli/progress-view';
import type { Job } from '../../../shared/job';
import { minimalJob } from '../../support/job-fixtures';

/** A job of the given id and status; its other fields are of no interest here. */
const job = (fields: Partial<Job> & Pick<Job, 'id' | 'status'>): Job => minimalJob(fields);

const COUNTS: ProgressCounts = {
  total: 10,
  queued: 3,
  running: 2,
  succeeded: 4,
  failed: 1,
  cancelled: 0,
  costUsd: 0.0123,
};

/** A stand-in for stdout that keeps what was written. */
function fakeOut(columns = 200): { out: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const out = {
    columns,
    write: (chunk: string) => {
      chunks.push(chunk);
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { out, text: () => chunks.join('') };
}

describe('progress display', () => {
  describe('countJobs', () => {
    it('counts jobs by status and adds up their cost', () => {
      const counts = countJobs([
        job({ id: '1', status: 'succeeded', usage: { promptTokens: 1, completionTokens: 2, costUsd: 0.5 } }),
        job({ id: '2', status: 'failed' }),
        job({ id: '3', status: 'running', usage: { promptTokens: 1, completionTokens: 2, costUsd: 0.25 } }),
        job({ id: '4', status: 'queued' }),
        job({ id: '5', status: 'queued' }),
        job({ id: '6', status: 'cancelled' }),
      ]);
      assert.deepEqual(counts, {
        total: 6,
        queued: 2,
        running: 1,
        succeeded: 1,
        failed: 1,
        cancelled: 1,
        costUsd: 0.75,
      });
    });
  });

  describe('progressLine', () => {
    it('shows a bar filled by finished jobs, then the counts and the cost', () => {
      assert.equal(
        progressLine(COUNTS),
        '[############------------] 5/10  ok 4  failed 1  running 2  queued 3  $0.0123',
      );
    });

    it('counts cancelled jobs as done and names them only when there are some', () => {
      assert.equal(
        progressLine({ ...COUNTS, cancelled: 5, queued: 0, running: 0 }, 10),
        '[##########] 10/10  ok 4  failed 1  cancelled 5  running 0  queued 0  $0.0123',
      );
    });

    it('draws a full bar for an empty batch instead of dividing by zero', () => {
      const empty = { total: 0, queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, costUsd: 0 };
      assert.equal(progressLine(empty, 4), '[####] 0/0  ok 0  failed 0  running 0  queued 0  $0.0000');
    });
  });

  describe('describeJob', () => {
    const now = Date.parse('2025-02-09T10:00:00.000Z');

    it('names the model, template and app, and the phase of a running job', () => {
      assert.equal(
        describeJob(job({ id: '1', status: 'running', phase: 'frontend' }), now),
        'openai/gpt-4o crud_todo_list app1: frontend',
      );
      assert.equal(
        describeJob(job({ id: '1', status: 'running' }), now),
        'openai/gpt-4o crud_todo_list app1: running',
      );
    });

    it('counts down a retry wait and shows the attempt', () => {
      const waiting = job({
        id: '1',
        status: 'running',
        phase: 'retry-wait',
        attempts: 2,
        retryAt: '2025-02-09T10:00:02.500Z',
      });
      assert.equal(
        describeJob(waiting, now),
        'openai/gpt-4o crud_todo_list app1: retrying in 2.5s (attempt 2)',
      );
      assert.match(describeJob(waiting, now + 10_000), /retrying in 0\.0s/);
    });

    it('gives the error code and the first line of the message of a failed job', () => {
      const failed = job({
        id: '1',
        status: 'failed',
        error: { code: 'upstream', message: 'HTTP 500 from the provider\nbody: <html>' },
      });
      assert.equal(
        describeJob(failed, now),
        'openai/gpt-4o crud_todo_list app1: failed (upstream) HTTP 500 from the provider',
      );
    });

    it('shows the status of a job that is not running', () => {
      assert.equal(
        describeJob(job({ id: '1', status: 'queued', phase: 'waiting' }), now),
        'openai/gpt-4o crud_todo_list app1: queued',
      );
    });
  });

  describe('ProgressView without a terminal', () => {
    it('prints one line per status change with the counts, and nothing for a phase change', () => {
      const { out, text } = fakeOut();
      const view = new ProgressView(out, false);
      view.track([job({ id: 'a', status: 'queued' }), job({ id: 'b', status: 'queued', appNum: 2 })]);
      assert.equal(text(), '', 'tracking alone prints nothing');
      view.update(job({ id: 'a', status: 'running', phase: 'backend' }));
      view.update(job({ id: 'a', status: 'running', phase: 'frontend' }));
      view.update(job({ id: 'a', status: 'succeeded' }));
      view.stop();
      assert.deepEqual(text().trimEnd().split('\n'), [
        'openai/gpt-4o crud_todo_list app1: backend  [[----------] 0/2  ok 0  failed 0  running 1  queued 1  $0.0000]',
        'openai/gpt-4o crud_todo_list app1: succeeded  [[#####-----] 1/2  ok 1  failed 0  running 0  queued 1  $0.0000]',
      ]);
    });

    it('announces the start of a retry wait', () => {
      const { out, text } = fakeOut();
      const view = new ProgressView(out, false);
      view.track([job({ id: 'a', status: 'running', phase: 'backend' })]);
      view.update(
        job({
          id: 'a',
          status: 'running',
          phase: 'retry-wait',
          attempts: 1,
          retryAt: new Date(Date.now() + 60_000).toISOString(),
        }),
      );
      assert.match(text(), /app1: retrying in \d+\.\ds \(attempt 1\)/);
    });

    it('ignores jobs it does not track', () => {
      const { out, text } = fakeOut();
      const view = new ProgressView(out, false);
      view.track([job({ id: 'a', status: 'queued' })]);
      view.update(job({ id: 'other', status: 'failed' }));
      assert.equal(text(), '');
      assert.deepEqual(
        view.all().map((j) => j.id),
        ['a'],
      );
      assert.equal(view.counts().total, 1);
    });
  });

  describe('ProgressView on a terminal', () => {
    it('redraws the bar and the running jobs in place', () => {
      const { out, text } = fakeOut();
      const view = new ProgressView(out, true);
      view.track([job({ id: 'a', status: 'queued' })]);
      const first = text();
      assert.equal(
        first,
        '\x1b[2K[------------------------] 0/1  ok 0  failed 0  running 0  queued 1  $0.0000\n',
      );
      view.update(job({ id: 'a', status: 'running', phase: 'backend' }));
      const second = text().slice(first.length);
      assert.ok(second.startsWith('\x1b[1F'), 'moves up over the previous frame');
      assert.match(second, /running 1/);
      assert.match(second, /\x1b\[2K {2}openai\/gpt-4o crud_todo_list app1: backend\n/);
      view.update(job({ id: 'a', status: 'succeeded' }));
      view.stop();
      const last = text().split('\x1b[2F').at(-1)!;
      assert.match(last, /1\/1 {2}ok 1/);
      assert.doesNotMatch(last, /app1: backend/, 'a job that stopped running leaves the display');
    });

    it('cuts lines to the terminal width', () => {
      const { out, text } = fakeOut(20);
      const view = new ProgressView(out, true);
      view.track([job({ id: 'a', status: 'queued' })]);
      view.stop();
      for (const line of text().split('\n').filter(Boolean)) {
        assert.ok(line.replace(/\x1b\[\d*[A-Z]/g, '').length <= 19, JSON.stringify(line));
      }
    });
  });
});
