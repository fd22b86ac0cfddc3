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

  it('answers batch/cancel before the changes of the jobs it cancelled have all reached the client, and they all arrive in order', async () => {
    const daemon = await start();
    // 2,000 jobs are cancelled per turn, about 1.2 MB of changes: more than a client may be owed
    // before the changes wait and replies go first.
    const total = FIVE_TEMPLATES.length * 1200;
    daemon.writeBatch(
      JSON.stringify({ models: ['sim/alpha'], templates: FIVE_TEMPLATES, repeat: 1200, maxConcurrent: 1 }),
    );
    simulator().pause();
    const { batchId, jobs } = await daemon.startBatch();
    await simulator().waitForRequests(1);
    const isCancelled = (job: { batchId?: string; status: string }) =>
      job.batchId === batchId && job.status === 'cancelled';

    let cancelledWhenAnswered = -1;
    const { cancelled } = await daemon.connection
      .sendRequest(P.BatchCancelRequest, { batchId })
      .finally(() => {
        cancelledWhenAnswered = daemon.changes.filter(isCancelled).length;
      });
    assert.equal(cancelled, total);
    assert.ok(
      cancelledWhenAnswered < total,
      `the reply came after ${cancelledWhenAnswered} of the ${total} changes, not behind all of them`,
    );

    await daemon.waitForProgress(reported(batchId), 60_000);
    const changes = daemon.changes.filter(isCancelled);
    assert.equal(changes.length, total, 'every cancelled job was announced');
    // The job that was running is stopped as its call ends, after the waiting ones; the waiting
    // ones are cancelled, and announced, in the batch's order.
    const running = jobs.findIndex((job) =>
      daemon.changes.some((c) => c.id === job.id && c.status === 'running'),
    );
    const order = new Map(jobs.map((job, index) => [job.id, index]));
    const indexes = changes.map((job) => order.get(job.id)!).filter((index) => index !== running);
    assert.deepEqual(
      indexes,
      [...indexes].sort((a, b) => a - b),
      'the changes arrive in the order the jobs were cancelled',
    );
    assert.equal(simulator().chatRequests.length, 1, 'no waiting job started during the cancel');
  });
});
