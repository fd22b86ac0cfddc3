import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Simulator, startSimulator } from '../../daemon/simulator/simulator';
import type { Job } from '../../shared/job';
import { allFinished, harnessPerTest, MODEL, TEMPLATE, within } from '../support/generation-harness';

const APP_FILES = [
  'backend/app.py',
  'backend/requirements.txt',
  'frontend/src/App.jsx',
  'frontend/package.json',
  'docker-compose.yml',
  '.env',
];

describe('generation across a daemon restart', () => {
  let sim: Simulator;
  const openHarness = harnessPerTest();

  beforeEach(async () => {
    sim = await startSimulator();
  });

  afterEach(async () => {
    await sim.close();
  });

  it('finishes every job exactly once after the daemon was killed mid-run', async () => {
    const first = await openHarness({ sim, env: { GENERATION_MAX_CONCURRENT: '2' } });
    sim.pause();
    const jobs = await Promise.all(
      Array.from({ length: 4 }, () => first.start({ templateSlug: TEMPLATE, model: MODEL })),
    );
    const held = await sim.waitForRequests(2);
    assert.equal((await first.status()).queued, 2, 'two running, two waiting when the daemon dies');

    first.daemon.child.kill('SIGKILL');
    assert.equal(await within(first.daemon.exited, 10_000, 'exit on SIGKILL'), 'SIGKILL');
    assert.ok(
      !first.daemon.changes.some((job) => ['succeeded', 'failed', 'cancelled'].includes(job.status)),
      'nothing finished before the kill',
    );

    // A new daemon on the same workspace, started while the simulator still holds the dead one's calls.
    const second = await openHarness({ sim, workspace: first.workspace });
    sim.resume();
    const finished = await allFinished(second, jobs);
    for (const job of finished) assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    for (const request of held) assert.notEqual(request.outcome, 'completed', 'the dead calls were not used');

    // Exactly one finish per job, and the history agrees.
    for (const job of jobs) {
      const finishes = second.changesOf(job.id).filter((change: Job) => change.status === 'succeeded');
      assert.equal(finishes.length, 1, `${job.id} finished once`);
    }
    const history = await second.history();
    assert.deepEqual(history.map((entry) => entry.id).sort(), jobs.map((job) => job.id).sort());
    assert.ok(history.every((entry) => entry.status === 'succeeded'));

    // Each app is complete, and each job wrote its own.
    assert.deepEqual(jobs.map((job) => job.appNum).sort(), [1, 2, 3, 4]);
    for (const job of finished) {
      for (const file of APP_FILES) {
        assert.ok(existsSync(join(second.workspace, job.appPath, file)), `${job.appPath}/${file}`);
      }
      assert.equal(job.previousVersionPath, undefined);
    }
    assert.equal(existsSync(join(second.workspace, '.appgen', 'versions')), false, 'no app was replaced');

    // A third daemon finds nothing left to do.
    await second.close();
    const third = await openHarness({ sim, workspace: first.workspace });
    const status = await third.status();
    assert.equal(status.queued + status.running, 0);
    assert.deepEqual(third.daemon.changes, []);
  });

  it('exits on daemon/shutdown with jobs running and waiting, and resumes them all on the next start', async () => {
    const first = await openHarness({ sim, env: { GENERATION_MAX_CONCURRENT: '1' } });
    sim.pause();
    const running = await first.start({ templateSlug: TEMPLATE, model: MODEL });
    await sim.waitForRequests(1);
    const waiting = await first.start({ templateSlug: TEMPLATE, model: MODEL });
    assert.deepEqual(await first.daemon.connection.sendRequest('daemon/shutdown', {}), {});
    assert.equal(await within(first.daemon.exited, 10_000, 'exit after daemon/shutdown'), 0);
    assert.ok(
      first.daemon.changes.every((change) => change.status === 'queued' || change.status === 'running'),
      'no job was finished by the shutdown',
    );

    sim.resume();
    const second = await openHarness({ sim, workspace: first.workspace });
    const done = await allFinished(second, [running, waiting]);
    assert.deepEqual(
      done.map((job) => job.status),
      ['succeeded', 'succeeded'],
    );
    for (const job of done) {
      assert.ok(existsSync(join(second.workspace, job.appPath, 'frontend', 'src', 'App.jsx')));
    }
  });
});
