import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as P from '../../shared/protocol';
import { type BatchDaemon, batchDaemonsPerTest, FIVE_TEMPLATES, reported } from '../support/batch-daemon';
import { waitFinished } from '../support/daemon-process';
import { peakRunning } from '../support/running-at-once';

describe('batch concurrency, budget and cancel (daemon process)', function () {
  this.timeout(60_000);
  const { simulator, start } = batchDaemonsPerTest();

  it('runs at most maxConcurrent jobs of the batch at once, leaving the workspace limit as it is', async () => {
    const daemon = await start({ GENERATION_MAX_CONCURRENT: '8' });
    daemon.writeBatch(JSON.stringify({ models: ['sim/alpha'], templates: FIVE_TEMPLATES, maxConcurrent: 2 }));
    simulator().pause();
    const { batchId } = await daemon.startBatch();
    await simulator().waitForRequests(2);
    const held = await daemon.connection.sendRequest(P.StatusRequest, {});
    assert.deepEqual(
      { running: held.running, queued: held.queued, queue: held.queue },
      { running: 2, queued: 3, queue: { enabled: true, maxConcurrent: 8 } },
      "the limit is the batch's; the workspace keeps its own",
    );
    simulator().resume();
    const final = await daemon.waitForProgress(reported(batchId));
    assert.equal(final.succeeded, 5);
    assert.equal(simulator().peakConcurrency, 2);
    assert.equal(
      peakRunning(daemon.changes, (job) => job.batchId === batchId),
      2,
    );
  });

  it('limits each batch by its own maxConcurrent, lets other jobs run beside it, and keeps it across a settings change', async () => {
    const daemon = await start({ GENERATION_MAX_CONCURRENT: '8' });
    daemon.writeBatch(
      JSON.stringify({ models: ['sim/alpha'], templates: FIVE_TEMPLATES.slice(0, 3), maxConcurrent: 1 }),
      'one.batch.json',
    );
    daemon.writeBatch(
      JSON.stringify({ models: ['sim/beta'], templates: FIVE_TEMPLATES.slice(0, 4), maxConcurrent: 2 }),
      'two.batch.json',
    );
    simulator().pause();
    const one = await daemon.startBatch('one.batch.json');
    const two = await daemon.startBatch('two.batch.json');
    const single = await daemon.connection.sendRequest(P.GenerationStartRequest, {
      templateSlug: 'quiz_app',
      model: 'sim/alpha',
    });
    await simulator().waitForRequests(4);
    // The editor sending its settings again (as on any settings change) must not lift either limit.
    await daemon.initialize({ config: { maxConcurrent: 8 } });
    const held = await daemon.connection.sendRequest(P.StatusRequest, {});
    assert.deepEqual(
      [held.running, held.queued],
      [4, 4],
      'one job of the first batch, two of the second and the single job run; the rest wait',
    );
    simulator().resume();
    const [first, second] = await Promise.all([
      daemon.waitForProgress(reported(one.batchId)),
      daemon.waitForProgress(reported(two.batchId)),
      waitFinished(daemon, single.id),
    ]);
    assert.deepEqual([first.succeeded, second.succeeded], [3, 4]);
    assert.equal(
      peakRunning(daemon.changes, (job) => job.batchId === one.batchId),
      1,
    );
    assert.equal(
      peakRunning(daemon.changes, (job) => job.batchId === two.batchId),
      2,
    );
    assert.equal(simulator().peakConcurrency, 4);
  });

  it('runs a batch whose maxConcurrent is above the workspace limit at its own limit', async () => {
    const daemon = await start({ GENERATION_MAX_CONCURRENT: '2' });
    daemon.writeBatch(JSON.stringify({ models: ['sim/alpha'], templates: FIVE_TEMPLATES, maxConcurrent: 4 }));
    simulator().pause();
    const { batchId } = await daemon.startBatch();
    await simulator().waitForRequests(4);
    const held = await daemon.connection.sendRequest(P.StatusRequest, {});
    assert.deepEqual([held.running, held.queued], [4, 1], 'the batch overrides the workspace limit');
    simulator().resume();
    const final = await daemon.waitForProgress(reported(batchId));
    assert.equal(final.succeeded, 5);
    assert.equal(
      peakRunning(daemon.changes, (job) => job.batchId === batchId),
      4,
    );
  });

  it('stops queuing once the budget is spent, says so, and cancels the rest with that message', async () => {
    const daemon = await start();
    daemon.writeBatch(
      JSON.stringify({
        models: ['sim/alpha'],
        templates: FIVE_TEMPLATES.slice(0, 3),
        maxConcurrent: 1,
        budgetUsd: 0.000001,
      }),
    );
    const { batchId, jobs } = await daemon.startBatch();
    const final = await daemon.waitForProgress(reported(batchId));
    assert.match(
      final.paused ?? '',
      /^Budget of \$0\.000001 reached \(\$\d+\.\d{4} spent\); no new jobs started$/,
    );
    assert.deepEqual(
      [final.succeeded, final.failed, final.cancelled, final.queued, final.running],
      [1, 0, 2, 0, 0],
      'the job that spent the budget finishes; the others never start',
    );
    const status = await daemon.connection.sendRequest(P.BatchStatusRequest, { batchId });
    assert.equal(status.paused, final.paused);

    const listed = await daemon.connection.sendRequest(P.GenerationListRequest, { batchId });
    const first = listed.find((job) => job.id === jobs[0]!.id)!;
    assert.equal(first.status, 'succeeded');
    const cancelled = listed.filter((job) => job.status === 'cancelled');
    assert.equal(cancelled.length, 2);
    for (const job of cancelled) {
      assert.deepEqual(job.error, { code: 'cancelled', message: final.paused });
      assert.equal(job.startedAt, undefined, 'a cancelled job never started');
    }
    assert.equal(
      simulator().chatRequests.length,
      2,
      'only the first job called the model (backend and frontend)',
    );
    const report = readFileSync(join(daemon.workspace, final.reportPath!), 'utf8');
    assert.ok(report.includes(`- Note: ${final.paused}`));
  });

  it('writes the report when the job that spends the budget is the last one', async () => {
    const daemon = await start();
    daemon.writeBatch(
      JSON.stringify({ models: ['sim/alpha'], templates: ['crud_todo_list'], budgetUsd: 0.000001 }),
    );
    const { batchId } = await daemon.startBatch();
    const final = await daemon.waitForProgress(reported(batchId));
    assert.equal(final.succeeded, 1);
    assert.match(final.paused ?? '', /^Budget of/);
  });

  it('cancels every unfinished job of a batch: the running one is aborted, the queued never start', async () => {
    const daemon = await start();
    daemon.writeBatch(
      JSON.stringify({ models: ['sim/alpha'], templates: FIVE_TEMPLATES.slice(0, 3), maxConcurrent: 1 }),
    );
    simulator().pause();
    const { batchId } = await daemon.startBatch();
    await simulator().waitForRequests(1);
    const result = await daemon.connection.sendRequest(P.BatchCancelRequest, { batchId });
    assert.equal(result.cancelled, 3);
    const final = await daemon.waitForProgress(reported(batchId));
    assert.deepEqual([final.cancelled, final.succeeded, final.failed], [3, 0, 0]);
    const listed = await daemon.connection.sendRequest(P.GenerationListRequest, { batchId });
    assert.deepEqual(
      listed.map((job) => job.error?.code),
      ['cancelled', 'cancelled', 'cancelled'],
    );
    assert.equal(simulator().chatRequests.length, 1, 'no job started after the cancel');
    const again = await daemon.connection.sendRequest(P.BatchCancelRequest, { batchId });
    assert.equal(again.cancelled, 0, 'nothing is left to cancel');
  });

  /**
   * Runs a batch of two jobs with `maxConcurrent` slots, shuts the daemon down once that many model
   * calls are held, and starts a new daemon on the same workspace.
   */
  async function restartMidBatch(maxConcurrent: number): Promise<{ batchId: string; resumed: BatchDaemon }> {
    const daemon = await start();
    const workspace = daemon.workspace;
    daemon.writeBatch(
      JSON.stringify({ models: ['sim/alpha'], templates: FIVE_TEMPLATES.slice(0, 2), maxConcurrent }),
    );
    simulator().pause();
    const { batchId } = await daemon.startBatch();
    await simulator().waitForRequests(maxConcurrent);
    await daemon.connection.sendRequest(P.ShutdownRequest, {});
    assert.equal(await daemon.exited, 0);
    simulator().reset();

    return { batchId, resumed: await start({}, workspace) };
  }

  it('keeps a batch stopped mid-run across a restart and reports it once the resumed jobs finish', async () => {
    const { batchId, resumed } = await restartMidBatch(2);
    const final = await resumed.waitForProgress(reported(batchId));
    assert.deepEqual([final.total, final.succeeded], [2, 2]);
    const status = await resumed.connection.sendRequest(P.BatchStatusRequest, { batchId });
    assert.equal(status.reportPath, `.appgen/reports/${batchId}.md`);
  });

  it('stops gracefully while batch jobs wait for a slot, and resumes them on the next start', async () => {
    const { batchId, resumed } = await restartMidBatch(1);
    const final = await resumed.waitForProgress(reported(batchId));
    assert.deepEqual([final.total, final.succeeded], [2, 2]);
  });
});
