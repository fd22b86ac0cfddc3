import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import { type BatchDaemon, batchDaemonsPerTest, reported } from '../support/batch-daemon';
import { invalidParams } from '../support/invalid-params';
import { NotificationLog } from '../support/notification-log';

/** Test daemons check nothing by themselves unless told to (see daemon-process.ts). */
// No Python for the smoke level: this suite is about a batch's checks, not about running apps.
const CHECKS_ON = { APPGEN_CHECKS_STATIC: 'true', APPGEN_PYTHON: '/nonexistent/python3' };

/** Keeps the `checks/changed` notifications a daemon sends. */
function checksProgress(daemon: BatchDaemon): NotificationLog<P.ChecksProgress> {
  const log = new NotificationLog<P.ChecksProgress>(
    P.ChecksChangedNotification.method,
    daemon.stderr,
    daemon.exited,
  );
  daemon.connection.onNotification(P.ChecksChangedNotification, (progress) => log.push(progress));
  return log;
}

/** Resolves once every one of the jobs carries an ended check newer than revision `after`. */
function allChecked(daemon: BatchDaemon, ids: string[], after = new Map<string, number>()): Promise<Job[]> {
  return Promise.all(
    ids.map((id) =>
      daemon.waitForJob(
        (job) =>
          job.id === id &&
          job.check !== undefined &&
          job.check.verdict !== 'running' &&
          (job.revision ?? 0) > (after.get(id) ?? 0),
      ),
    ),
  );
}

describe('batch checks (daemon process)', function () {
  this.timeout(60_000);
  const { start } = batchDaemonsPerTest();

  it("checks a batch's apps as its jobs succeed, with the levels of its batch file, and rewrites the report", async () => {
    const daemon = await start(CHECKS_ON);
    const progress = checksProgress(daemon);
    daemon.writeBatch(`{
      "models": ["sim/alpha", "sim/fail-always"],
      "templates": ["crud_todo_list", "quiz_app"],
      "checks": ["static", "smoke"]
    }`);
    const { batchId, jobs } = await daemon.startBatch();
    const succeeded = jobs.filter((job) => job.model === 'sim/alpha').map((job) => job.id);
    const checked = await allChecked(daemon, succeeded);
    for (const job of checked) {
      assert.equal(job.check?.verdict, 'passed');
      assert.deepEqual(job.check?.levels, ['static', 'smoke']);
      assert.match(job.check?.reason ?? '', /smoke: no Python that can import flask and flask_cors/);
    }
    // Counts run from the last time every check had ended: two quick checks may count as 1 and 1.
    await progress.waitFor((p) => p.batchId === batchId && p.total >= 1 && p.done === p.total);
    await daemon.waitForProgress(reported(batchId));
    // The report is written again once the batch's checks have all ended.
    const reportFile = join(daemon.workspace, `.appgen/reports/${batchId}.md`);
    const report = await waitForFile(daemon, reportFile, /mean score/);
    assert.match(report, /^- Checks: 2 passed; mean score 100%$/m);
    assert.match(report, /^\| model \| crud_todo_list \| quiz_app \| score \|$/m);
    assert.match(report, /^\| `sim\/alpha` \| .*check passed 6\/6 \| .*check passed 4\/4 \| 100% \|$/m);
    assert.equal(
      (
        await daemon.connection.sendRequest(P.GenerationGetRequest, {
          jobId: jobs.find((j) => j.model === 'sim/fail-always')!.id,
        })
      ).check,
      undefined,
    );
  });

  it('checks nothing by itself for a batch file whose checks are []', async () => {
    const daemon = await start(CHECKS_ON);
    daemon.writeBatch('{ "models": ["sim/alpha"], "templates": ["quiz_app"], "checks": [] }');
    const { batchId, jobs } = await daemon.startBatch();
    await daemon.waitForProgress(reported(batchId));
    const job = await daemon.connection.sendRequest(P.GenerationGetRequest, { jobId: jobs[0]!.id });
    assert.equal(job.status, 'succeeded');
    assert.equal(job.check, undefined);
  });

  it('batch/check checks the latest succeeded job of every app of a batch and announces its progress', async () => {
    const daemon = await start();
    const progress = checksProgress(daemon);
    daemon.writeBatch(
      '{ "models": ["sim/alpha", "sim/fail-always"], "templates": ["crud_todo_list", "kanban_board"] }',
    );
    const { batchId, jobs } = await daemon.startBatch();
    await daemon.waitForProgress(reported(batchId));
    const revisions = new Map<string, number>();
    for (const job of await daemon.connection.sendRequest(P.GenerationListRequest, { batchId })) {
      revisions.set(job.id, job.revision ?? 0);
      assert.equal(job.check, undefined, 'nothing was checked by itself here');
    }
    const result = await daemon.connection.sendRequest(P.BatchCheckRequest, { batchId });
    const alpha = jobs.filter((job) => job.model === 'sim/alpha').map((job) => job.id);
    assert.equal(result.checking, 2);
    assert.deepEqual([...result.jobIds].sort(), [...alpha].sort());
    const checked = await allChecked(daemon, alpha, revisions);
    assert.deepEqual(
      checked
        .map((job) => [
          job.templateSlug,
          job.check?.verdict,
          job.check?.endpointsOk,
          job.check?.endpointsTotal,
        ])
        .sort(),
      [
        ['crud_todo_list', 'passed', 6, 6],
        ['kanban_board', 'passed', 7, 7],
      ],
    );
    const last = await progress.waitFor((p) => p.batchId === batchId && p.done === 2);
    assert.deepEqual(last, { batchId, total: 2, done: 2, running: 0 });
    const check = (params: unknown) => daemon.connection.sendRequest(P.BatchCheckRequest.method, params);
    await assert.rejects(check({ batchId: 'nope' }), invalidParams(/Unknown batch "nope"/));
    await assert.rejects(
      check({ batchId, levels: 'static' }),
      invalidParams(/levels must be a list, got "static"/),
    );
  });
});

/** The file's text once it matches `pattern`, re-read as the batch's progress and checks are announced. */
async function waitForFile(daemon: BatchDaemon, file: string, pattern: RegExp): Promise<string> {
  const read = () => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  if (pattern.test(read())) return read();
  await daemon.waitForProgress((p) => p.reportPath !== undefined && pattern.test(read()));
  return read();
}
