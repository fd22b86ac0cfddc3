/**
 * A batch outlives its daemon: the daemon is killed with SIGKILL mid-batch (no daemon/shutdown, so
 * nothing is saved on the way out), and the next daemon on the workspace finishes the batch.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Simulator } from '../../daemon/simulator/simulator';
import * as P from '../../shared/protocol';
import { batchDaemonsPerTest, FIVE_TEMPLATES, reported } from '../support/batch-daemon';
import { assertSqliteCliIntegrity, readHistoryFile } from '../support/history-file';
import { peakRunning } from '../support/running-at-once';

/** A chat request's prompts, as one text: the same call asks the same. */
function promptOf(request: { body: unknown }): string {
  return JSON.stringify((request.body as { messages?: unknown } | undefined)?.messages);
}

/** Resolves once the simulator serves no chat request, e.g. after the client of the held ones died. */
function noneInFlight(sim: Simulator): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (sim.inFlight > 0) return;
      sim.off('finished', check);
      resolve();
    };
    sim.on('finished', check);
    check();
  });
}

describe('batch: a daemon killed with SIGKILL mid-batch, then started again', function () {
  this.timeout(60_000);
  const { simulator, start } = batchDaemonsPerTest();

  it('finishes every job of the batch exactly once, within its maxConcurrent, and writes its report', async () => {
    // The workspace allows 8 at once: only the batch's own limit, restored from its record, keeps it to 1.
    const env = { GENERATION_MAX_CONCURRENT: '8' };
    const first = await start(env);
    const { workspace } = first;
    first.writeBatch(JSON.stringify({ models: ['sim/alpha'], templates: FIVE_TEMPLATES, maxConcurrent: 1 }));
    const { batchId, jobs } = await first.startBatch();

    // Kill with one job done and the next one's model call in flight.
    await first.waitForJob((job) => job.batchId === batchId && job.status === 'succeeded');
    simulator().pause();
    await simulator().waitForRequests(simulator().chatRequests.length + 1);
    first.child.kill('SIGKILL');
    assert.equal(await first.exited, 'SIGKILL');

    const onDisk = await readHistoryFile(workspace);
    assert.equal(onDisk.integrity, 'ok', 'the database survives the kill');
    for (const job of jobs) {
      assert.ok(
        ['queued', 'running', 'succeeded'].includes(onDisk.jobs.get(job.id) ?? 'missing'),
        `job ${job.id} is recorded (${onDisk.jobs.get(job.id)})`,
      );
    }
    const unfinished = jobs.filter((job) => onDisk.jobs.get(job.id) !== 'succeeded');
    assert.ok(unfinished.length >= 2, `the kill came mid-batch (${unfinished.length} unfinished)`);

    // The held call's client is gone; forget it, so the counts below are the next daemon's alone.
    simulator().resume();
    await noneInFlight(simulator());
    const answered = new Set(
      simulator()
        .chatRequests.filter((r) => r.outcome === 'completed')
        .map(promptOf),
    );
    simulator().reset();

    const second = await start(env, workspace);
    const final = await second.waitForProgress(reported(batchId));
    assert.deepEqual(
      [final.total, final.succeeded, final.failed, final.cancelled],
      [jobs.length, jobs.length, 0, 0],
    );
    const listed = await second.connection.sendRequest(P.GenerationListRequest, { batchId });
    assert.deepEqual(
      listed.map((job) => job.id).sort(),
      jobs.map((job) => job.id).sort(),
      'the batch holds exactly its original jobs, under their ids',
    );
    assert.ok(listed.every((job) => job.status === 'succeeded'));
    // Only the jobs left unfinished ran again, and only for the calls that had not been answered: a
    // job committed before the kill, or an answer kept, is not paid for twice.
    const asked = simulator().chatRequests.map(promptOf);
    assert.ok(
      asked.length > 0 && asked.length <= 2 * unfinished.length,
      `${asked.length} calls after the restart`,
    );
    assert.equal(new Set(asked).size, asked.length, 'each call made once');
    assert.ok(
      asked.every((prompt) => !answered.has(prompt)),
      'no call answered before the kill was made again',
    );
    assert.equal(
      peakRunning(second.changes, (job) => job.batchId === batchId),
      1,
      "the batch's maxConcurrent holds after the restart",
    );
    assert.equal(simulator().peakConcurrency, 1);

    const report = readFileSync(join(workspace, final.reportPath!), 'utf8');
    assert.ok(
      report.includes(`- Jobs: ${jobs.length} (${jobs.length} succeeded, 0 failed, 0 cancelled)`),
      report,
    );
    for (const job of jobs) {
      const link = `[app${job.appNum}](../../${job.appPath})`;
      assert.equal(report.split(link).length - 1, 1, `the report lists ${job.appPath} once`);
    }

    await second.connection.sendRequest(P.ShutdownRequest, {});
    assert.equal(await second.exited, 0);
    const saved = await readHistoryFile(workspace);
    assert.deepEqual(
      [...saved.jobs.entries()].sort(),
      jobs.map((job) => [job.id, 'succeeded']).sort(),
      'the saved database records every job once, succeeded',
    );
    assertSqliteCliIntegrity(workspace);
  });
});
