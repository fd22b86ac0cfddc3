/**
 * The history file lives in the workspace, so anyone who can write there can edit it. A row that
 * names a place AppGen would never have written (a model folder of `../..`, an app path outside the
 * output tree) must not direct a model call or a write: the job is not resumed.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as P from '../../shared/protocol';
import { waitFinished } from '../support/daemon-process';
import { daemonWorkspace } from '../support/daemon-workspace';
import { MODEL } from '../support/generation-harness';
import { historyFile } from '../support/history-file';
import { sqlJs } from '../support/sql-js';

describe('a planted history row (real daemon)', function () {
  this.timeout(60_000);
  const ws = daemonWorkspace('appgen-planted-');

  it('is not resumed: no model call, nothing written outside, the job failed with unsafe_path', async () => {
    // Beside the workspace, as the planted row's relative paths reach it.
    const outside = mkdtempSync(join(dirname(ws.workspace), 'appgen-outside-'));
    after(() => rmSync(outside, { recursive: true, force: true }));
    const first = ws.spawn({ GENERATION_MAX_CONCURRENT: '1' });
    await first.initialize();
    ws.sim.pause();
    const job = await first.connection.sendRequest(P.GenerationStartRequest, {
      templateSlug: 'crud_todo_list',
      model: MODEL,
    });
    await ws.sim.waitForRequests(1);
    await first.stop();

    // The row now sends the job's files two folders above the workspace.
    const SQL = await sqlJs();
    const db = new SQL.Database(readFileSync(historyFile(ws.workspace)));
    const name = basename(outside);
    // Artifacts go to .appgen/artifacts/<slug>/app1, the app to <app_path>: both would land in `outside`.
    db.run('UPDATE jobs SET model_slug = ?, app_path = ? WHERE id = ?', [
      `../../../${name}/victim`,
      `../${name}/victim/app1`,
      job.id,
    ]);
    writeFileSync(historyFile(ws.workspace), db.export());
    db.close();

    ws.sim.reset();
    const second = ws.spawn();
    await second.initialize();
    const done = await waitFinished(second, job.id, 8000);
    assert.equal(done.status, 'failed');
    assert.equal(done.error?.code, 'unsafe_path');
    assert.match(done.error?.message ?? '', /was not resumed: in the history, its model folder/);
    assert.equal(ws.sim.chatRequests.length, 0, 'no model call');
    assert.deepEqual(readdirSync(outside), [], 'nothing written outside');
    const status = await second.connection.sendRequest(P.StatusRequest, {});
    assert.deepEqual([status.queued, status.running], [0, 0]);
  });
});
