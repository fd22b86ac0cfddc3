import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as P from '../../shared/protocol';
import { waitFinished } from '../support/daemon-process';
import { harnessPerTest } from '../support/generation-harness';

describe('rate limits and credits', () => {
  const openHarness = harnessPerTest();

  it('a 429 with Retry-After slows that model only', async () => {
    const h = await openHarness();
    const { daemon: d, sim } = h;
    sim.setModelBehavior('acme/limited', { faults: [{ kind: 'http429', retryAfter: '1' }] });
    const first = await d.connection.sendRequest(P.GenerationStartRequest, {
      templateSlug: 'crud_todo_list',
      model: 'acme/limited',
    });
    // Once the 429 has been answered, the model is slowed for a second.
    await d.waitForJob((j) => j.id === first.id && j.phase === 'retry-wait');
    const limitedAt = sim.chatRequests.find((r) => r.model === 'acme/limited')!.time;
    const second = await d.connection.sendRequest(P.GenerationStartRequest, {
      templateSlug: 'crud_todo_list',
      model: 'acme/limited',
    });
    const other = await d.connection.sendRequest(P.GenerationStartRequest, {
      templateSlug: 'crud_todo_list',
      model: 'sim/beta',
    });
    const waiting = await d.waitForJob((j) => j.id === second.id && j.phase === 'retry-wait');
    assert.equal(waiting.attempts, 0, 'the second job waits before its first attempt');
    const otherDone = await waitFinished(d, other.id);
    assert.equal(otherDone.status, 'succeeded');
    const secondRequests = () => sim.chatRequests.filter((r) => r.model === 'acme/limited').slice(1);
    assert.ok(
      secondRequests().length <= 1,
      'while the model is slowed, only the first job retries; the second has not called yet',
    );
    const [firstDone, secondDone] = await Promise.all([
      waitFinished(d, first.id),
      waitFinished(d, second.id),
    ]);
    assert.equal(firstDone.status, 'succeeded');
    assert.equal(secondDone.status, 'succeeded');
    const calls = sim.chatRequests.filter((r) => r.model === 'acme/limited');
    for (const call of calls.slice(1)) {
      assert.ok(call.time >= limitedAt + 1000, 'no call to the slowed model before its Retry-After elapsed');
    }
  });

  it('a 402 pauses the queue instead of failing every waiting job, and daemon/resume continues', async () => {
    const h = await openHarness({ env: { GENERATION_MAX_CONCURRENT: '1' } });
    const { daemon: d, sim } = h;
    sim.setModelBehavior('acme/broke', { faults: ['http402'] });
    writeFileSync(
      join(d.workspace, 'appgen.batch.json'),
      JSON.stringify({ models: ['acme/broke'], templates: ['crud_todo_list', 'kanban_board', 'quiz_app'] }),
    );
    const batch = await d.connection.sendRequest(P.BatchStartRequest, {});
    const first = batch.jobs[0]!;
    const failed = await waitFinished(d, first.id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'insufficient_credits');
    assert.equal(failed.error?.status, 402);
    const status = await d.connection.sendRequest(P.StatusRequest, {});
    assert.match(status.paused ?? '', /insufficient credits/);
    const jobs = await d.connection.sendRequest(P.GenerationListRequest, { batchId: batch.batchId });
    assert.deepEqual(jobs.map((j) => j.status).sort(), ['failed', 'queued', 'queued']);
    assert.equal(sim.chatRequests.length, 1, 'no further call was made while paused');
    const progress = await d.connection.sendRequest(P.BatchStatusRequest, { batchId: batch.batchId });
    assert.match(progress.paused ?? '', /insufficient credits/, 'the batch says why it waits');
    assert.deepEqual(await d.connection.sendRequest(P.ResumeRequest, {}), { resumed: true });
    for (const job of batch.jobs.slice(1)) assert.equal((await waitFinished(d, job.id)).status, 'succeeded');
    assert.equal((await d.connection.sendRequest(P.StatusRequest, {})).paused, undefined);
  });
});
