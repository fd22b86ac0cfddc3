/**
 * The history cannot be saved (here: a folder stands where the file is renamed to, which fails the
 * save as a full disk would, even for root). A start is then refused and leaves nothing behind that
 * could run later; a finished job's success stays owed and is saved once saving works again.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, rmSync, watch } from 'node:fs';
import { join } from 'node:path';
import type { Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import { TEMPLATE_RESOURCES } from '../support/app-integrity';
import { type DaemonProcess, waitFinished } from '../support/daemon-process';
import { daemonWorkspace } from '../support/daemon-workspace';
import { MODEL, within } from '../support/generation-harness';
import { historyFile, readHistoryFile } from '../support/history-file';

describe('durability: a history that cannot be saved', () => {
  const ws = daemonWorkspace('appgen-save-failure-');

  const startDaemon = async (): Promise<DaemonProcess> => {
    const daemon = ws.spawn();
    await daemon.initialize();
    return daemon;
  };
  const startJob = (daemon: DaemonProcess, templateSlug: string): Promise<Job> =>
    daemon.connection.sendRequest(P.GenerationStartRequest, { templateSlug, model: MODEL });
  const breakSaving = () => {
    rmSync(historyFile(ws.workspace));
    mkdirSync(historyFile(ws.workspace));
  };
  const repairSaving = () => rmSync(historyFile(ws.workspace), { recursive: true });

  /** Resolves once the history file says `jobId` has `status`, checking whenever `.appgen` changes. */
  const untilSaved = (jobId: string, status: string): Promise<void> =>
    new Promise((resolve) => {
      const check = async () => {
        try {
          if ((await readHistoryFile(ws.workspace)).jobs.get(jobId) !== status) return;
        } catch {
          return; // being replaced just now: the rename that ends it is a change too
        }
        watcher.close();
        resolve();
      };
      const watcher = watch(join(ws.workspace, '.appgen'), () => void check());
      void check();
    });

  /** Resolves once the daemon has logged a line matching `pattern`. */
  const untilLogged = (daemon: DaemonProcess, pattern: RegExp): Promise<void> =>
    new Promise((resolve) => {
      const check = () => {
        if (!pattern.test(daemon.stderr())) return;
        daemon.child.stderr!.off('data', check);
        resolve();
      };
      daemon.child.stderr!.on('data', check);
      check();
    });

  it('refuses a start it cannot save, and the refused job never runs, not even after a restart', async () => {
    ws.sim.pause();
    const first = await startDaemon();
    const accepted = await startJob(first, 'crud_todo_list');
    breakSaving();
    const refused = await startJob(first, 'markdown_notes').then(
      () => assert.fail('the start must be refused'),
      (error: { code: number; message: string }) => error,
    );
    const listed = await first.connection.sendRequest(P.GenerationListRequest, {});
    assert.deepEqual(
      listed.map((job) => job.id),
      [accepted.id],
      'the refused job is not listed',
    );
    assert.equal(refused.code, -32603);
    assert.match(refused.message, /Saving the history .*history\.sqlite failed/);
    assert.match(refused.message, /The job was not recorded and nothing was started/);

    repairSaving();
    await first.connection.sendRequest(P.ShutdownRequest, {});
    assert.equal(await first.exited, 0);
    ws.sim.resume();
    const second = await startDaemon();
    assert.equal((await waitFinished(second, accepted.id, 8000)).status, 'succeeded');
    const history = await second.connection.sendRequest(P.HistoryListRequest, {});
    assert.deepEqual(
      history.map((job) => job.templateSlug),
      ['crud_todo_list'],
    );
    assert.equal(
      ws.sim.chatRequests.filter((r) => JSON.stringify(r.body).includes(TEMPLATE_RESOURCES.markdown_notes!))
        .length,
      0,
      'no model call for the refused job',
    );
  });

  it('keeps a finished job owed while saving fails and saves it once saving works, with no other change', async () => {
    ws.sim.pause();
    const daemon = await startDaemon();
    const job = await startJob(daemon, 'crud_todo_list');
    await ws.sim.waitForRequests(1);
    breakSaving();
    ws.sim.resume();
    assert.equal((await waitFinished(daemon, job.id, 8000)).status, 'succeeded');
    await within(
      untilLogged(daemon, /history save failed|saving history failed/),
      10_000,
      'the failed save logged',
    );
    repairSaving();
    await within(untilSaved(job.id, 'succeeded'), 10_000, 'the success saved by a retry');
  });
});
