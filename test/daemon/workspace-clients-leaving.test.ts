/**
 * Clients of one workspace come and go independently: the daemon outlives the client that started
 * it while another client is connected or a job runs, so no client loses its job because another
 * left; once all have left and nothing runs, it exits and releases the workspace.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Simulator, startSimulator } from '../../daemon/simulator/simulator';
import type { Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import { cliEnv, cliWorkspace, spawnCli } from '../support/cli-process';
import { type DaemonProcess, waitFinished } from '../support/daemon-process';
import { daemonWorkspace } from '../support/daemon-workspace';
import { MODEL } from '../support/generation-harness';
import { readHistoryFile } from '../support/history-file';
import { lockFile, readLock } from '../support/lock-holders';

describe('workspace: clients leaving while others stay', () => {
  const ws = daemonWorkspace('appgen-leaving-');

  const startJob = (daemon: DaemonProcess, templateSlug: string): Promise<Job> =>
    daemon.connection.sendRequest(P.GenerationStartRequest, { templateSlug, model: MODEL });

  it("finishes a relayed client's job after the client that started the daemon asked it to shut down", async () => {
    ws.sim.pause();
    const first = ws.spawn();
    await first.initialize();
    const second = ws.spawn();
    await second.initialize();
    const job = await startJob(second, 'crud_todo_list');
    await ws.sim.waitForRequests(1);

    const reply = await first.connection.sendRequest(P.ShutdownRequest, {});
    ws.sim.resume();
    const finished = await waitFinished(second, job.id, 10_000);
    assert.equal(finished.status, 'succeeded', 'the relayed client hears its job succeed');
    assert.deepEqual(reply, { otherClients: 1 }, 'the first client was told the daemon goes on');
    assert.equal(first.child.exitCode, null, 'the daemon still serves the second client');
    assert.equal((await second.connection.sendRequest(P.StatusRequest, {})).pid, first.child.pid);
    assert.equal(ws.sim.chatRequests.length, 2, 'one backend and one frontend call: nothing paid twice');

    // The second leaves too: nothing is left to serve.
    second.child.stdin!.end();
    assert.equal(await second.exited, 0);
    assert.equal(await first.exited, 0, 'the daemon exits once its last client has left');
    assert.ok(!existsSync(lockFile(ws.workspace)), 'the workspace lock is released');
  });

  it("keeps serving relayed clients when the first client's stdin closes, and exits when the last asks", async () => {
    ws.sim.pause();
    const first = ws.spawn();
    await first.initialize();
    const second = ws.spawn();
    await second.initialize();
    const job = await startJob(second, 'quiz_app');
    await ws.sim.waitForRequests(1);

    first.child.stdin!.end();
    // The daemon has read the end of its stdin once it answers after it.
    assert.equal((await second.connection.sendRequest(P.StatusRequest, {})).pid, first.child.pid);
    ws.sim.resume();
    assert.equal((await waitFinished(second, job.id, 10_000)).status, 'succeeded');
    const third = ws.spawn();
    await third.initialize();
    assert.equal((await third.connection.sendRequest(P.StatusRequest, {})).pid, first.child.pid);
    third.child.stdin!.end();
    await third.exited;

    assert.deepEqual(await second.connection.sendRequest(P.ShutdownRequest, {}), {}, 'the last client');
    assert.equal(await first.exited, 0);
    assert.equal(await second.exited, 0);
    assert.ok(!existsSync(lockFile(ws.workspace)), 'the workspace lock is released');
  });

  it('finishes the jobs of a client that went away without asking, then exits and releases the lock', async () => {
    ws.sim.pause();
    const only = ws.spawn({ GENERATION_MAX_CONCURRENT: '1' });
    await only.initialize();
    const jobs = [await startJob(only, 'crud_todo_list'), await startJob(only, 'markdown_notes')];
    await ws.sim.waitForRequests(1);
    only.child.stdin!.end();
    ws.sim.resume();
    assert.equal(await only.exited, 0, 'exits once its jobs are done');
    assert.ok(!existsSync(lockFile(ws.workspace)), 'the workspace lock is released');
    const onDisk = await readHistoryFile(ws.workspace);
    assert.deepEqual(
      jobs.map((job) => onDisk.jobs.get(job.id)),
      ['succeeded', 'succeeded'],
      'both jobs ran to the end, the waiting one too',
    );
  });
});

describe('workspace: two appgen generate on one workspace (command line processes)', function () {
  this.timeout(60_000);
  let sim: Simulator;
  before(async () => {
    // sim/slow answers this long after the faster command has finished and exited.
    sim = await startSimulator({ slowLatencyMs: 3000 });
  });
  after(async () => {
    await sim.close();
  });

  it('lets the second finish its job when the first, which started the daemon, is done and exits', async () => {
    const cwd = cliWorkspace();
    const env = cliEnv(sim);
    sim.pause();
    const first = spawnCli(['generate', '--template', 'crud_todo_list', '--model', 'sim/alpha'], {
      cwd,
      env,
    });
    await sim.waitForRequests(1);
    const owner = readLock(cwd).pid;
    const second = spawnCli(['generate', '--template', 'quiz_app', '--model', 'sim/slow'], { cwd, env });
    await sim.waitForRequests(2);
    sim.resume();

    const done = await first.result;
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /^sim\/alpha\s+crud_todo_list\s+app1\s+succeeded/m);
    assert.doesNotMatch(second.stdout(), /succeeded/, 'the second was still waiting for its model');
    assert.equal(readLock(cwd).pid, owner, 'the daemon the first started still owns the workspace');

    const result = await second.result;
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /^Generating quiz_app with sim\/slow into generated\/apps\/sim_slow\/app1 /m);
    assert.match(result.stdout, /^sim\/slow\s+quiz_app\s+app1\s+succeeded/m);
    assert.ok(existsSync(join(cwd, 'generated/apps/sim_slow/app1/frontend/src/App.jsx')));
    // The daemon stops when the second, its last client, leaves: the relay ends only once it has.
    assert.ok(!existsSync(lockFile(cwd)), 'the workspace lock is released');
    assert.equal(sim.chatRequests.length, 4, 'two calls per job, none repeated');
  });
});
