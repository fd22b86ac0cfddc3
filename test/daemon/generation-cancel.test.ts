import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedRequest } from '../../daemon/simulator/simulator';
import type { Job } from '../../shared/job';
import { type GenerationHarness, harnessPerTest, MODEL, TEMPLATE } from '../support/generation-harness';

/** Resolves when the simulator has seen the exchange of `request` end. */
function exchangeEnded(h: GenerationHarness, request: RecordedRequest): Promise<RecordedRequest> {
  if (request.outcome) return Promise.resolve(request);
  return new Promise((resolve) => {
    const onFinished = (finished: RecordedRequest) => {
      if (finished !== request) return;
      h.sim.off('finished', onFinished);
      resolve(finished);
    };
    h.sim.on('finished', onFinished);
  });
}

function finishedNotifications(h: GenerationHarness, job: Job): Job[] {
  return h.changesOf(job.id).filter((change) => ['succeeded', 'failed', 'cancelled'].includes(change.status));
}

describe('generation cancel', () => {
  const openHarness = harnessPerTest();

  it('aborts a running model call, ends the job cancelled and commits nothing', async () => {
    const h = await openHarness();
    h.sim.pause();
    const job = await h.start({ templateSlug: TEMPLATE, model: MODEL });
    const [request] = await h.sim.waitForRequests(1);
    assert.equal((await h.get(job.id)).status, 'running');

    assert.deepEqual(await h.cancel(job.id), { cancelled: true });
    const ended = await exchangeEnded(h, request!);
    assert.equal(ended.outcome, 'client-closed', 'the HTTP request was aborted by the daemon');
    const cancelled = await h.finished(job.id);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.error?.code, 'cancelled');
    assert.match(cancelled.finishedAt ?? '', /Z$/);

    h.sim.resume();
    assert.equal(existsSync(join(h.workspace, job.appPath)), false, 'no app folder');
    assert.equal(h.sim.chatRequests.length, 1, 'no further call');
    assert.equal((await h.get(job.id)).status, 'cancelled');
    assert.equal((await h.history())[0]?.status, 'cancelled');
    assert.deepEqual(await h.cancel(job.id), { cancelled: false }, 'a second cancel changes nothing');
  });

  it('cancels a queued job before it calls the model', async () => {
    const h = await openHarness({ env: { GENERATION_MAX_CONCURRENT: '1' } });
    h.sim.pause();
    const running = await h.start({ templateSlug: TEMPLATE, model: MODEL });
    await h.sim.waitForRequests(1);
    const queued = await h.start({ templateSlug: TEMPLATE, model: MODEL });
    assert.equal(queued.status, 'queued');

    assert.deepEqual(await h.cancel(queued.id), { cancelled: true });
    const cancelled = await h.finished(queued.id);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal((await h.status()).queued, 0);

    h.sim.resume();
    assert.equal((await h.finished(running.id)).status, 'succeeded');
    // The queue slot the cancelled job held is passed on: a later job still runs.
    const later = await h.finished((await h.start({ templateSlug: TEMPLATE, model: MODEL })).id);
    assert.equal(later.status, 'succeeded');
    assert.equal(h.sim.chatRequests.length, 4, 'two calls for each job that ran, none for the cancelled one');
    assert.equal(existsSync(join(h.workspace, queued.appPath)), false);
    assert.equal(finishedNotifications(h, cancelled).length, 1);
    assert.ok(!h.changesOf(queued.id).some((change) => change.status === 'running'));
  });

  it('never runs a job cancelled right after it was started', async () => {
    // One slot: each job's run is over before the next begins, so when the last job has finished
    // every cancelled one has had its chance to (wrongly) go on.
    const h = await openHarness({ env: { GENERATION_MAX_CONCURRENT: '1' } });
    // Held model calls: a job the cancel finds running is inside its call, never already past it
    // (once the commit has begun a cancel is refused, which is another test's business).
    h.sim.pause();
    const cancelled: Job[] = [];
    for (let i = 0; i < 8; i++) {
      const job = await h.start({ templateSlug: TEMPLATE, model: MODEL });
      assert.deepEqual(await h.cancel(job.id), { cancelled: true });
      cancelled.push(await h.finished(job.id));
    }
    h.sim.resume();
    const last = await h.finished((await h.start({ templateSlug: TEMPLATE, model: MODEL })).id);
    assert.equal(last.status, 'succeeded');

    for (const job of cancelled) {
      assert.equal(job.status, 'cancelled');
      const changes = h.changesOf(job.id);
      assert.equal(changes.at(-1)?.status, 'cancelled', 'nothing happens to it after the cancel');
      assert.equal(finishedNotifications(h, job).length, 1);
      assert.equal((await h.get(job.id)).status, 'cancelled');
      assert.equal(existsSync(join(h.workspace, job.appPath)), false);
    }
  });

  it('answers cancelled: false for a finished job and leaves it as it was', async () => {
    const h = await openHarness();
    const job = await h.finished((await h.start({ templateSlug: TEMPLATE, model: MODEL })).id);
    assert.equal(job.status, 'succeeded');
    assert.deepEqual(await h.cancel(job.id), { cancelled: false });
    assert.deepEqual(await h.get(job.id), job);
    assert.ok(existsSync(join(h.workspace, job.appPath, 'backend', 'app.py')));
  });
});
