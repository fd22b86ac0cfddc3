import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Job } from '../../shared/job';
import {
  allFinished,
  type GenerationHarness,
  harnessPerTest,
  MODEL,
  TEMPLATE,
} from '../support/generation-harness';

function startMany(h: GenerationHarness, count: number, params: { appNum?: number } = {}): Promise<Job[]> {
  return Promise.all(
    Array.from({ length: count }, () => h.start({ templateSlug: TEMPLATE, model: MODEL, ...params })),
  );
}

/** Job ids in the order they were first announced as running. */
function startOrder(h: GenerationHarness): string[] {
  const order: string[] = [];
  for (const change of h.daemon.changes) {
    if (change.status === 'running' && !order.includes(change.id)) order.push(change.id);
  }
  return order;
}

describe('generation concurrency', () => {
  const openHarness = harnessPerTest();

  it('runs exactly GENERATION_MAX_CONCURRENT jobs at once and reports the rest as queued', async () => {
    const h = await openHarness({ env: { GENERATION_MAX_CONCURRENT: '3' } });
    h.sim.pause();
    const jobs = await startMany(h, 9);
    await h.sim.waitForRequests(3);

    const status = await h.status();
    assert.equal(status.running, 3);
    assert.equal(status.queued, 6);
    assert.deepEqual(status.queue, { enabled: true, maxConcurrent: 3 });
    assert.equal(h.sim.inFlight, 3, 'the other six wait in the daemon, not at the server');

    h.sim.resume();
    const finished = await allFinished(h, jobs);
    assert.deepEqual(
      finished.map((job) => job.status),
      Array(9).fill('succeeded'),
    );
    assert.equal(h.sim.peakConcurrency, 3);
    assert.equal(h.sim.chatRequests.length, 18);
    const after = await h.status();
    assert.equal(after.running, 0);
    assert.equal(after.queued, 0);
  });

  it('starts every job at once when the queue is off', async () => {
    const h = await openHarness({ env: { GENERATION_USE_QUEUE: 'false', GENERATION_MAX_CONCURRENT: '2' } });
    h.sim.pause();
    const jobs = await startMany(h, 6);
    await h.sim.waitForRequests(6);

    const status = await h.status();
    assert.equal(status.running, 6);
    assert.equal(status.queued, 0);
    assert.equal(status.queue.enabled, false);

    h.sim.resume();
    const finished = await allFinished(h, jobs);
    assert.ok(finished.every((job) => job.status === 'succeeded'));
    assert.equal(h.sim.peakConcurrency, 6);
  });

  it('starts higher-priority waiting jobs first, then in the order they came', async () => {
    const h = await openHarness({ env: { GENERATION_MAX_CONCURRENT: '1' } });
    h.sim.pause();
    const first = await h.start({ templateSlug: TEMPLATE, model: MODEL });
    await h.sim.waitForRequests(1);
    // Started one after another, so "the order they came" is the order below.
    const low = await h.start({ templateSlug: TEMPLATE, model: MODEL });
    const high = await h.start({ templateSlug: TEMPLATE, model: MODEL, priority: 10 });
    const lowToo = await h.start({ templateSlug: TEMPLATE, model: MODEL });
    const middle = await h.start({ templateSlug: TEMPLATE, model: MODEL, priority: 5 });
    assert.equal(high.priority, 10);
    assert.equal((await h.status()).queued, 4);

    h.sim.resume();
    await allFinished(h, [first, low, high, lowToo, middle]);
    assert.deepEqual(startOrder(h), [first.id, high.id, middle.id, low.id, lowToo.id]);
    assert.equal(h.sim.peakConcurrency, 1);
  });

  it('gives 20 concurrent starts for one model 20 different app numbers', async () => {
    const h = await openHarness({ env: { GENERATION_MAX_CONCURRENT: '8' } });
    const jobs = await startMany(h, 20);
    assert.deepEqual(
      jobs.map((job) => job.appNum).sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    assert.equal(new Set(jobs.map((job) => job.appPath)).size, 20);

    const finished = await allFinished(h, jobs);
    for (const job of finished) {
      assert.equal(job.status, 'succeeded', `${job.appPath}: ${JSON.stringify(job.error)}`);
      assert.equal(job.previousVersionPath, undefined, 'no job replaced another one');
      assert.ok(existsSync(join(h.workspace, job.appPath, 'backend', 'app.py')));
    }
    // The next number follows the ones taken.
    const next = await h.start({ templateSlug: TEMPLATE, model: MODEL });
    assert.equal(next.appNum, 21);
    await h.finished(next.id);
  });
});
