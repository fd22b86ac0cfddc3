/**
 * A batch of thousands of jobs that wait for a slot: `batch/cancel` ends every one of them, and the
 * daemon answers other requests while it does.
 */
import assert from 'node:assert/strict';
import * as P from '../../shared/protocol';
import { batchDaemonsPerTest, FIVE_TEMPLATES, reported } from '../support/batch-daemon';

describe('a batch of thousands of jobs (daemon process)', function () {
  this.timeout(120_000);
  const { simulator, start } = batchDaemonsPerTest();

  it('cancels thousands of waiting jobs, answering daemon/status before the cancel is done', async () => {
    const daemon = await start();
    const total = FIVE_TEMPLATES.length * 1000;
    daemon.writeBatch(
      JSON.stringify({ models: ['sim/alpha'], templates: FIVE_TEMPLATES, repeat: 1000, maxConcurrent: 1 }),
    );
    // The one job let in holds its model call: every other job stays queued.
    simulator().pause();
    const { batchId, jobs } = await daemon.startBatch();
    assert.equal(jobs.length, total);
    await simulator().waitForRequests(1);

    const answered: string[] = [];
    const cancelling = daemon.connection
      .sendRequest(P.BatchCancelRequest, { batchId })
      .finally(() => answered.push('batch/cancel'));
    const status = daemon.connection
      .sendRequest(P.StatusRequest, {})
      .finally(() => answered.push('daemon/status'));
    const [{ cancelled }] = await Promise.all([cancelling, status]);
    assert.equal(cancelled, total);
    assert.deepEqual(
      answered,
      ['daemon/status', 'batch/cancel'],
      'the status sent after the cancel is answered while the cancel goes on',
    );

    const final = await daemon.waitForProgress(reported(batchId), 60_000);
    assert.deepEqual(
      [final.total, final.cancelled, final.queued, final.running, final.succeeded],
      [total, total, 0, 0, 0],
    );
    const listed = await daemon.connection.sendRequest(P.GenerationListRequest, { batchId });
    assert.equal(listed.length, total);
    assert.deepEqual(
      listed.filter((job) => job.status !== 'cancelled'),
      [],
      'every job of the batch ends cancelled',
    );
    assert.equal(simulator().chatRequests.length, 1, 'no waiting job started during the cancel');
    const after = await daemon.connection.sendRequest(P.StatusRequest, {});
    assert.deepEqual([after.queued, after.running], [0, 0]);
  });
});
