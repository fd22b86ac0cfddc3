/**
 * A paused queue stays paused until the user resumes: across a restart, without a key, and after a
 * resume that a 402 answers again. A resume after a 402 lets one job go first.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Simulator, startSimulator } from '../../daemon/simulator/simulator';
import type { Job } from '../../shared/job';
import * as P from '../../shared/protocol';
import { tempWorkspace, waitFinished } from '../support/daemon-process';
import { type GenerationHarness, harnessPerTest } from '../support/generation-harness';
import { TEST_API_KEY } from '../support/sim-env';

const BROKE = 'acme/broke';
const TEMPLATES = ['crud_todo_list', 'kanban_board', 'quiz_app', 'markdown_notes', 'api_url_shortener'];

/** Starts a batch of `BROKE` over the first `count` templates; resolves with its jobs. */
async function brokeBatch(h: GenerationHarness, count: number): Promise<Job[]> {
  writeFileSync(
    join(h.workspace, 'appgen.batch.json'),
    JSON.stringify({ models: [BROKE], templates: TEMPLATES.slice(0, count) }),
  );
  return (await h.daemon.connection.sendRequest(P.BatchStartRequest, {})).jobs;
}

const statuses = (jobs: Job[]) => jobs.map((job) => job.status).sort();

describe('the paused queue (daemon process)', function () {
  this.timeout(60_000);
  const openHarness = harnessPerTest();
  let sim: Simulator;

  beforeEach(async () => {
    sim = await startSimulator();
  });
  afterEach(async () => {
    sim.resume();
    await sim.close();
  });

  it('stays paused after a 402 across a restart, until daemon/resume', async () => {
    const workspace = tempWorkspace('appgen-pause-');
    const env = { GENERATION_MAX_CONCURRENT: '1' };
    const first = await openHarness({ sim, workspace, env });
    sim.setModelBehavior(BROKE, { faults: ['http402'] });
    const jobs = await brokeBatch(first, 3);
    assert.equal((await waitFinished(first.daemon, jobs[0]!.id)).error?.code, 'insufficient_credits');
    await first.close();

    // Held: a job the new daemon started would show as running, its call waiting here.
    sim.pause();
    const second = await openHarness({ sim, workspace, env });
    const status = await second.status();
    assert.match(status.paused ?? '', /insufficient credits \(HTTP 402\)/);
    assert.equal(status.pauseCause, 'insufficient_credits');
    assert.deepEqual([status.running, status.queued], [0, 2], 'the two waiting jobs still wait');
    assert.equal(sim.chatRequests.length, 1, 'no call since the 402');

    // A new key is not a resume.
    await second.daemon.initialize({ apiKey: `${TEST_API_KEY}-new` });
    assert.equal((await second.status()).pauseCause, 'insufficient_credits');

    sim.resume();
    assert.deepEqual(await second.daemon.connection.sendRequest(P.ResumeRequest, {}), { resumed: true });
    for (const job of jobs.slice(1))
      assert.equal((await waitFinished(second.daemon, job.id)).status, 'succeeded');
    assert.equal((await second.status()).paused, undefined);
  });

  it('after a 402, a resume lets one job go first, and the rest only once it has succeeded', async () => {
    const h = await openHarness({ sim, env: { GENERATION_MAX_CONCURRENT: '3' } });
    const d = h.daemon;
    sim.setModelBehavior(BROKE, { faults: Array.from({ length: 10 }, () => 'http402' as const) });
    const jobs = await brokeBatch(h, 5);
    // The three that started together all meet the 402; two wait.
    await Promise.all(jobs.slice(0, 3).map((job) => waitFinished(d, job.id)));
    assert.equal((await h.status()).queued, 2);
    const callsBefore = sim.chatRequests.length;

    // Still no credits: the resume costs one refused call, not two.
    await d.connection.sendRequest(P.ResumeRequest, {});
    const probe = await d.waitForJob(
      (job) => job.status === 'failed' && !jobs.slice(0, 3).some((early) => early.id === job.id),
    );
    assert.equal(probe.error?.code, 'insufficient_credits');
    const again = await h.status();
    assert.equal(again.pauseCause, 'insufficient_credits', 'paused again');
    assert.equal(again.queued, 1);
    assert.equal(sim.chatRequests.length, callsBefore + 1);

    // Credits again: the last job goes first and alone, then nothing is left behind it.
    sim.setModelBehavior(BROKE, {});
    const more = await brokeBatch(h, 2);
    assert.deepEqual(statuses(more), ['queued', 'queued'], 'new jobs wait behind the pause');
    sim.pause();
    await d.connection.sendRequest(P.ResumeRequest, {});
    await sim.waitForRequests(callsBefore + 2);
    const probing = await h.status();
    assert.equal(probing.running, 1, 'one job goes first');
    assert.equal(probing.queued, 2);
    assert.equal(sim.inFlight, 1);
    sim.resume();
    const rest = [...jobs.slice(3), ...more].filter((job) => job.id !== probe.id);
    const finished = await Promise.all(rest.map((job) => waitFinished(d, job.id)));
    assert.deepEqual(statuses(finished), ['succeeded', 'succeeded', 'succeeded']);
  });

  it('jobs left waiting when a daemon starts without a key stay paused until the key and a resume', async () => {
    const workspace = tempWorkspace('appgen-pause-');
    const first = await openHarness({ sim, workspace });
    sim.pause();
    const job = await first.start({ templateSlug: 'crud_todo_list', model: 'sim/alpha' });
    await sim.waitForRequests(1);
    await first.daemon.kill();
    sim.resume();

    const keyless = await openHarness({ sim, workspace, env: { OPENROUTER_API_KEY: '' } });
    const status = await keyless.status();
    assert.equal(status.hasApiKey, false);
    assert.equal(status.pauseCause, 'no_api_key');
    assert.match(status.paused ?? '', /No OpenRouter API key is set/);
    assert.equal((await keyless.get(job.id)).status, 'queued', 'not failed on a 401');
    assert.equal(sim.chatRequests.length, 1);

    await keyless.daemon.initialize({ apiKey: TEST_API_KEY });
    assert.equal((await keyless.status()).pauseCause, 'no_api_key', 'the key alone does not spend');
    await keyless.daemon.connection.sendRequest(P.ResumeRequest, {});
    assert.equal((await waitFinished(keyless.daemon, job.id)).status, 'succeeded');
  });
});
