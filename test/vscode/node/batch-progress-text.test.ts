import * as assert from 'node:assert/strict';
import { batchFinishedText, batchProgressText } from '../../../extension/batch-progress-text';
import { progressOf } from './job-fixtures';

describe('batch progress text', () => {
  it('counts done, failed, running and queued jobs and the cost so far', () => {
    assert.equal(batchProgressText(progressOf()), '13/40 done, 1 failed, 4 running, 23 queued, $0.42');
  });

  it('leaves out counts that are zero, and names cancelled jobs', () => {
    assert.equal(
      batchProgressText(
        progressOf({ queued: 0, running: 0, failed: 0, succeeded: 38, cancelled: 2, costUsd: 0 }),
      ),
      '40/40 done, 2 cancelled, $0.00',
    );
  });

  it('says why the batch is paused', () => {
    assert.equal(
      batchProgressText(
        progressOf({ paused: 'Budget of $0.4 reached ($0.4200 spent); no new jobs started' }),
      ),
      '13/40 done, 1 failed, 4 running, 23 queued, $0.42. Paused: Budget of $0.4 reached ($0.4200 spent); no new jobs started',
    );
  });

  it('sums up a finished batch, with a budget stop', () => {
    const finished = progressOf({
      queued: 0,
      running: 0,
      succeeded: 30,
      failed: 2,
      cancelled: 8,
      finished: true,
    });
    assert.equal(
      batchFinishedText(finished),
      'batch finished: 30 of 40 succeeded, 2 failed, 8 cancelled, $0.42',
    );
    assert.equal(
      batchFinishedText({ ...finished, paused: 'Budget of $0.4 reached' }),
      'batch finished: 30 of 40 succeeded, 2 failed, 8 cancelled, $0.42. Budget of $0.4 reached',
    );
  });
});
