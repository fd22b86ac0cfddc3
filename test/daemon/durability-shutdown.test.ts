/**
 * A daemon asked to stop (daemon/shutdown, SIGTERM) while jobs run answers, exits 0, saves every
 * change and leaves the unfinished jobs recorded so that the next daemon resumes and finishes them.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isFinished } from '../../shared/job';
import * as P from '../../shared/protocol';
import {
  assertAppFromOneTemplate,
  assertNoCommitLeftovers,
  startOnePerTemplate,
  TEMPLATES,
} from '../support/app-integrity';
import { spawnDaemon, tempWorkspace, waitFinished } from '../support/daemon-process';
import { daemonWorkspace } from '../support/daemon-workspace';
import { MODEL } from '../support/generation-harness';
import { assertSqliteCliIntegrity, readHistoryFile } from '../support/history-file';

describe('durability: daemon/shutdown while jobs run', () => {
  const ws = daemonWorkspace('appgen-shutdown-');

  it('answers, exits 0, keeps running and waiting jobs unfinished, and resumes them on the next start', async () => {
    ws.sim.pause();
    const first = ws.spawn({ GENERATION_MAX_CONCURRENT: '2' });
    await first.initialize();
    const started = await startOnePerTemplate(first, TEMPLATES.slice(0, 3));
    await ws.sim.waitForRequests(2);
    await first.waitForJob((job) => job.status === 'running');
    assert.deepEqual(await first.connection.sendRequest(P.ShutdownRequest, {}), {});
    assert.equal(await first.exited, 0);
    assert.ok(
      !first.changes.some((job) => isFinished(job.status)),
      'no job was announced as finished by the shutdown',
    );
    assert.ok(!existsSync(join(ws.workspace, '.appgen', 'daemon.lock')), 'the workspace lock is released');
    const onDisk = await readHistoryFile(ws.workspace);
    assert.equal(onDisk.integrity, 'ok');
    const statuses = started.map((job) => onDisk.jobs.get(job.id));
    assert.ok(
      statuses.every((status) => status === 'queued' || status === 'running'),
      `every job stays unfinished: ${statuses.join(', ')}`,
    );
    assert.ok(statuses.includes('running'), 'the jobs that had started are recorded as running');

    ws.sim.resume();
    const second = ws.spawn();
    await second.initialize();
    for (const job of started) assert.equal((await waitFinished(second, job.id, 8000)).status, 'succeeded');
    const history = await second.connection.sendRequest(P.HistoryListRequest, {});
    assert.deepEqual(history.map((job) => job.id).sort(), started.map((job) => job.id).sort());
    for (const job of started) assertAppFromOneTemplate(ws.workspace, job.appPath, job.templateSlug);
    assertNoCommitLeftovers(ws.workspace);
  });

  it('goes on running the jobs when its client closes stdin (an editor reload); the next client is relayed to it', async () => {
    ws.sim.pause();
    const first = ws.spawn({ GENERATION_MAX_CONCURRENT: '1' });
    await first.initialize();
    const started = await startOnePerTemplate(first, TEMPLATES.slice(0, 2));
    await ws.sim.waitForRequests(1);
    first.child.stdin!.end();
    // The reloaded editor's daemon finds the workspace served and relays to it.
    const second = ws.spawn();
    await second.initialize();
    assert.equal((await second.connection.sendRequest(P.StatusRequest, {})).pid, first.child.pid);
    ws.sim.resume();
    for (const job of started) assert.equal((await waitFinished(second, job.id, 8000)).status, 'succeeded');
    assert.equal(ws.sim.chatRequests.length, 4, 'two calls per job: none was started over');
    await second.stop();
    assert.equal(await first.exited, 0);
    assert.ok(!existsSync(join(ws.workspace, '.appgen', 'daemon.lock')), 'the workspace lock is released');
  });

  it('stops the same way on SIGTERM: exit 0, lock released, every change of the last moments saved', async () => {
    const first = ws.spawn({ GENERATION_MAX_CONCURRENT: '1' });
    await first.initialize();
    const done = await first.connection.sendRequest(P.GenerationStartRequest, {
      templateSlug: 'crud_todo_list',
      model: MODEL,
    });
    await waitFinished(first, done.id);
    ws.sim.pause();
    const held = await first.connection.sendRequest(P.GenerationStartRequest, {
      templateSlug: 'markdown_notes',
      model: MODEL,
    });
    // Its model call is held; that it is running is so far only in memory, waiting for a grouped save.
    await ws.sim.waitForRequests(3);
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0);
    assert.ok(!existsSync(join(ws.workspace, '.appgen', 'daemon.lock')), 'the workspace lock is released');
    const onDisk = await readHistoryFile(ws.workspace);
    assert.equal(onDisk.jobs.get(done.id), 'succeeded', 'the finished job is saved as finished');
    assert.equal(onDisk.jobs.get(held.id), 'running', 'the running job stays unfinished');
    assert.equal(onDisk.integrity, 'ok');
    assertSqliteCliIntegrity(ws.workspace);
  });
});

describe('history save leftovers', () => {
  it('a temporary file left by a save that was killed midway is removed on start', async () => {
    const workspace = tempWorkspace();
    mkdirSync(join(workspace, '.appgen'), { recursive: true });
    const leftover = '.history.sqlite.12345.abcd1234.tmp';
    writeFileSync(join(workspace, '.appgen', leftover), 'half a database');
    const daemon = spawnDaemon({ workspace });
    try {
      await daemon.initialize();
      assert.ok(!readdirSync(join(workspace, '.appgen')).includes(leftover));
      assert.match(daemon.stderr(), /removed an unfinished history save/);
    } finally {
      await daemon.stop();
    }
  });
});
