/**
 * One writer per workspace: a second daemon started on a workspace that a first daemon serves works
 * through the first (it relays its stdio to the first's socket), so both clients share one engine,
 * one queue and one database, and no job runs twice.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import { type DaemonProcess, waitFinished } from '../support/daemon-process';
import { daemonWorkspace } from '../support/daemon-workspace';
import { MODEL } from '../support/generation-harness';
import { TEST_API_KEY } from '../support/sim-env';

describe('workspace: a second daemon on a busy workspace', () => {
  const ws = daemonWorkspace('appgen-sharing-');

  const status = (daemon: DaemonProcess) => daemon.connection.sendRequest(P.StatusRequest, {});

  const startJob = (daemon: DaemonProcess, templateSlug: string): Promise<Job> =>
    daemon.connection.sendRequest(P.GenerationStartRequest, { templateSlug, model: MODEL });

  it('answers initialize through the first daemon, which owns the workspace lock', async () => {
    const first = ws.spawn();
    await first.initialize();
    const second = ws.spawn();
    const result = await second.initialize();
    assert.equal(result.protocolVersion, P.PROTOCOL_VERSION);
    assert.equal(result.workspace, ws.workspace);
    assert.equal(
      (await status(second)).pid,
      first.child.pid,
      'the second client is served by the first daemon',
    );
    assert.equal((await status(first)).pid, first.child.pid);
    const lock = JSON.parse(readFileSync(join(ws.workspace, '.appgen', 'daemon.lock'), 'utf8')) as {
      pid: number;
    };
    assert.equal(lock.pid, first.child.pid);
  });

  it("keeps the first client's settings when a second initializes without config, and takes the second's key", async () => {
    // The first is an editor: its settings come in `config`, its environment has no key.
    const first = ws.spawn({ OPENROUTER_API_KEY: '' });
    const own = await first.initialize({
      config: { GENERATION_MAX_CONCURRENT: 3, outputDir: 'editor/apps' },
    });
    assert.equal(own.queue.maxConcurrent, 3);
    assert.equal(own.hasApiKey, false);
    // The second is the command line: no config, its key from its own environment.
    const second = ws.spawn();
    const relayed = await second.initialize({ apiKey: TEST_API_KEY });
    assert.deepEqual(relayed.queue, { enabled: true, maxConcurrent: 3 }, 'not reset to the default of 4');
    assert.equal(relayed.outputDir, 'editor/apps');
    for (const daemon of [first, second]) {
      const now = await status(daemon);
      assert.equal(now.queue.maxConcurrent, 3);
      assert.equal(now.hasApiKey, true, "the second client's key reached the daemon that owns the workspace");
    }
    const job = await startJob(first, 'quiz_app');
    assert.ok(job.appPath.startsWith('editor/apps/'), job.appPath);
    assert.equal((await waitFinished(first, job.id, 8000)).status, 'succeeded');
    assert.equal(ws.sim.chatRequests[0]?.headers.authorization, `Bearer ${TEST_API_KEY}`);
  });

  it('runs the jobs of both clients once each, tells both clients, and keeps one history', async () => {
    const first = ws.spawn();
    await first.initialize();
    const second = ws.spawn();
    await second.initialize();

    const viaSecond = await startJob(second, 'crud_todo_list');
    const viaFirst = await startJob(first, 'markdown_notes');
    assert.notEqual(viaSecond.appNum, viaFirst.appNum, 'one engine hands out app numbers');
    for (const daemon of [first, second]) {
      for (const job of [viaSecond, viaFirst]) {
        assert.equal(
          (await waitFinished(daemon, job.id, 8000)).status,
          'succeeded',
          'both clients hear of both jobs',
        );
      }
    }

    const chats = ws.sim.chatRequests;
    assert.equal(chats.length, 4, 'one backend and one frontend call per job, nothing twice');
    const prompts = chats.map((request) => JSON.stringify(request.body));
    assert.equal(new Set(prompts).size, 4, 'no model call was repeated');

    const fromFirst = await first.connection.sendRequest(P.HistoryListRequest, {});
    const fromSecond = await second.connection.sendRequest(P.HistoryListRequest, {});
    assert.deepEqual(fromSecond, fromFirst, 'both clients read the same history');
    assert.deepEqual(fromFirst.map((job) => job.id).sort(), [viaSecond.id, viaFirst.id].sort());
    // A save in progress has a temporary file beside the database; only databases count here.
    const databases = readdirSync(join(ws.workspace, '.appgen')).filter((name) => name.endsWith('.sqlite'));
    assert.deepEqual(databases, ['history.sqlite'], 'one database file');
  });

  it("ends only the second client on the second's daemon/shutdown; the first keeps serving", async () => {
    const first = ws.spawn();
    await first.initialize();
    const second = ws.spawn();
    await second.initialize();
    assert.deepEqual(
      await second.connection.sendRequest(P.ShutdownRequest, {}),
      { otherClients: 1 },
      'the reply says the daemon goes on for the other client',
    );
    assert.equal(await second.exited, 0);

    assert.equal(first.child.exitCode, null, 'the first daemon is still running');
    assert.equal((await status(first)).pid, first.child.pid);
    const job = await startJob(first, 'api_url_shortener');
    assert.equal((await waitFinished(first, job.id, 8000)).status, 'succeeded');

    const third = ws.spawn();
    await third.initialize();
    assert.equal((await status(third)).pid, first.child.pid, 'a later client is relayed again');
  });

  it('ends the second client when it closes its stdin, leaving the first running', async () => {
    const first = ws.spawn();
    await first.initialize();
    const second = ws.spawn();
    await second.initialize();
    second.child.stdin!.end();
    assert.equal(await second.exited, 0);
    assert.equal((await status(first)).pid, first.child.pid);
  });

  it('exits the relay when the first daemon is killed, and a new daemon then takes the workspace over', async () => {
    ws.sim.pause();
    const first = ws.spawn();
    await first.initialize();
    const second = ws.spawn();
    await second.initialize();
    const job = await startJob(second, 'crud_todo_list');
    await ws.sim.waitForRequests(1);

    first.child.kill('SIGKILL');
    await first.exited;
    await second.exited;
    assert.notEqual(second.child.exitCode ?? second.child.signalCode, null, 'the relay has exited');

    ws.sim.resume();
    const third = ws.spawn();
    await third.initialize();
    assert.equal((await status(third)).pid, third.child.pid, 'the new daemon owns the workspace');
    assert.equal((await waitFinished(third, job.id, 8000)).status, 'succeeded', 'the job resumes');
  });

  it('gives two daemons started at the same moment one engine', async () => {
    const a = ws.spawn();
    const b = ws.spawn();
    const [statusA, statusB] = await Promise.all(
      [a, b].map(async (daemon) => {
        await daemon.initialize();
        return status(daemon);
      }),
    );
    assert.equal(statusA.pid, statusB.pid, 'both clients talk to the same daemon');
    assert.ok([a.child.pid, b.child.pid].includes(statusA.pid));
  });
});
