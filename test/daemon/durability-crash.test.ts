/**
 * Jobs outlive the daemon: the real bundled daemon is killed with SIGKILL at different moments of a
 * run (jobs waiting in the queue, a model call in flight, a commit under way or just done), then
 * started again on the same workspace. Every job must finish exactly once, no app may be torn, no
 * commit leftovers may remain and the database must open.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isFinished, type Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import {
  assertAppFromOneTemplate,
  assertNoCommitLeftovers,
  startOnePerTemplate,
  templatesByApp,
} from '../support/app-integrity';
import { type DaemonProcess, waitFinished } from '../support/daemon-process';
import { daemonWorkspace } from '../support/daemon-workspace';
import { MODEL } from '../support/generation-harness';
import { assertSqliteCliIntegrity, readHistoryFile } from '../support/history-file';
import { entriesOrEmpty } from '../support/workspace-files';

describe('durability: a daemon killed with SIGKILL, then started again', () => {
  const ws = daemonWorkspace('appgen-durability-');

  /** A daemon on the workspace, initialized. */
  const startDaemon = async (env: Record<string, string> = {}): Promise<DaemonProcess> => {
    const daemon = ws.spawn(env);
    await daemon.initialize();
    return daemon;
  };

  const startJob = (daemon: DaemonProcess, templateSlug: string, appNum?: number): Promise<Job> =>
    daemon.connection.sendRequest(P.GenerationStartRequest, {
      templateSlug,
      model: MODEL,
      ...(appNum !== undefined ? { appNum } : {}),
    });

  /** Kills `daemon`; every started job must be recorded on disk, unfinished unless it already succeeded. */
  const crash = async (daemon: DaemonProcess, started: Job[]): Promise<void> => {
    daemon.child.kill('SIGKILL');
    assert.equal(await daemon.exited, 'SIGKILL');
    const onDisk = await readHistoryFile(ws.workspace);
    assert.equal(onDisk.integrity, 'ok', 'the database survives the kill');
    for (const job of started) {
      assert.ok(
        ['queued', 'running', 'succeeded'].includes(onDisk.jobs.get(job.id) ?? 'missing'),
        `job ${job.id} is recorded (${onDisk.jobs.get(job.id)})`,
      );
    }
  };

  /** Waits until every given job is finished on this daemon; returns the history it reports then. */
  const finishAll = async (daemon: DaemonProcess, ids: string[]): Promise<Job[]> => {
    const listed = await daemon.connection.sendRequest(P.GenerationListRequest, {});
    for (const id of ids) {
      const job = listed.find((entry) => entry.id === id);
      if (!job || !isFinished(job.status)) await waitFinished(daemon, id, 8000);
    }
    return daemon.connection.sendRequest(P.HistoryListRequest, {});
  };

  /**
   * The end state after all restarts: one succeeded record per job and nothing else, whole apps from
   * one job each, no staging folders or commit journals, a database SQLite accepts.
   */
  const assertDurableOutcome = async (
    daemon: DaemonProcess,
    started: Job[],
    expectedTemplate = templatesByApp(started),
  ): Promise<void> => {
    const history = await finishAll(
      daemon,
      started.map((job) => job.id),
    );
    assert.deepEqual(
      history.map((job) => job.id).sort(),
      started.map((job) => job.id).sort(),
      'history holds exactly the started jobs, under their original ids',
    );
    for (const job of history) {
      assert.equal(job.status, 'succeeded', `job ${job.id} succeeded: ${JSON.stringify(job.error)}`);
      for (const file of job.files ?? []) {
        assert.ok(existsSync(join(ws.workspace, job.appPath, file)), `${job.appPath}/${file} was written`);
      }
    }
    for (const [appPath, templateSlug] of expectedTemplate) {
      assertAppFromOneTemplate(ws.workspace, appPath, templateSlug);
    }
    assertNoCommitLeftovers(ws.workspace);

    await daemon.connection.sendRequest(P.ShutdownRequest, {});
    assert.equal(await daemon.exited, 0);
    const onDisk = await readHistoryFile(ws.workspace);
    assert.equal(onDisk.integrity, 'ok');
    assert.deepEqual(
      [...onDisk.jobs.entries()].sort(),
      started.map((job) => [job.id, 'succeeded']).sort(),
      'the saved database records every job once, succeeded',
    );
    assertSqliteCliIntegrity(ws.workspace);
  };

  it('resumes jobs that waited in the queue and the one whose model call was in flight', async () => {
    ws.sim.pause();
    const first = await startDaemon({ GENERATION_MAX_CONCURRENT: '1' });
    const started = await startOnePerTemplate(first);
    await ws.sim.waitForRequests(1);
    await crash(first, started);
    const onDisk = await readHistoryFile(ws.workspace);
    assert.ok(
      started.every((job) => onDisk.jobs.get(job.id) !== 'succeeded'),
      'nothing finished before the kill',
    );

    ws.sim.resume();
    await assertDurableOutcome(await startDaemon({ GENERATION_MAX_CONCURRENT: '2' }), started);
  });

  it('finishes every job once when killed as a job starts merging', async () => {
    const first = await startDaemon({ GENERATION_MAX_CONCURRENT: '2' });
    const started = await startOnePerTemplate(first);
    await first.waitForJob((job) => job.phase === 'merging');
    await crash(first, started);
    await assertDurableOutcome(await startDaemon(), started);
  });

  it('finishes every job once when killed right after a commit succeeded', async () => {
    const first = await startDaemon({ GENERATION_MAX_CONCURRENT: '1' });
    const started = await startOnePerTemplate(first);
    await first.waitForJob((job) => job.status === 'succeeded');
    await crash(first, started);
    await assertDurableOutcome(await startDaemon(), started);
  });

  it('survives one crash after another, each as a job starts merging', async () => {
    let daemon = await startDaemon({ GENERATION_MAX_CONCURRENT: '1' });
    const started = await startOnePerTemplate(daemon);
    for (let crashes = 0; crashes < 3; crashes++) {
      await daemon.waitForJob((job) => job.phase === 'merging');
      await crash(daemon, started);
      daemon = await startDaemon({ GENERATION_MAX_CONCURRENT: '1' });
      // Every unfinished job still has to merge, so the next kill always has a moment to wait for.
      const listed = await daemon.connection.sendRequest(P.GenerationListRequest, {});
      if (listed.every((job) => isFinished(job.status))) break;
    }
    await assertDurableOutcome(daemon, started);
  });

  it('leaves the old or the new app, never a mix, when killed while a job replaces an app', async () => {
    const first = await startDaemon({ GENERATION_MAX_CONCURRENT: '2' });
    const original = await startJob(first, 'crud_todo_list', 1);
    assert.equal((await waitFinished(first, original.id)).status, 'succeeded');
    const replacing = await startJob(first, 'markdown_notes', 1);
    const other = await startJob(first, 'api_url_shortener', 2);
    await first.waitForJob((job) => job.id === replacing.id && job.phase === 'merging');
    await crash(first, [original, replacing, other]);

    // A new daemon recovers interrupted commits as it starts but resumes no job before a client
    // initializes it: the recovered app can be inspected before a resumed job (which may need no
    // model call, its answers being kept) commits again.
    const second = ws.spawn();
    await daemonReady(second);
    const recovered = await readHistoryFile(ws.workspace);
    assert.equal(recovered.integrity, 'ok');
    const appPath = replacing.appPath;
    const text = readFileSync(join(ws.workspace, appPath, 'backend', 'app.py'), 'utf8');
    assertAppFromOneTemplate(
      ws.workspace,
      appPath,
      text.includes('/api/notes') ? 'markdown_notes' : 'crud_todo_list',
    );
    assert.deepEqual(
      entriesOrEmpty(join(ws.workspace, '.appgen', 'commits')),
      [],
      'recovery cleared the journals',
    );

    await second.initialize();
    await assertDurableOutcome(
      second,
      [original, replacing, other],
      new Map([
        [replacing.appPath, 'markdown_notes'],
        [other.appPath, 'api_url_shortener'],
      ]),
    );
  });
});

/** Resolves once the daemon says it is ready: it has opened its stores and recovered its commits. */
function daemonReady(daemon: DaemonProcess): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!daemon.stderr().includes('"daemon ready"')) return;
      daemon.child.stderr!.off('data', check);
      resolve();
    };
    daemon.child.stderr!.on('data', check);
    check();
  });
}
