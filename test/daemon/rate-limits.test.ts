import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as P from '../../shared/protocol';
import { waitFinished } from '../support/daemon-process';
import { harnessPerTest } from '../support/generation-harness';

describe('rate limits and credits', () => {
  const openHarness = harnessPerTest();

  it('a 429 with Retry-After delays only the call that got it, not the model or others', async () => {
    const h = await openHarness();
    const { daemon: d, sim } = h;
    sim.setModelBehavior('acme/limited', { faults: [{ kind: 'http429', retryAfter: '2' }] });
    const first = await d.connection.sendRequest(P.GenerationStartRequest, {
      templateSlug: 'crud_todo_list',
      model: 'acme/limited',
    });
    const waiting = await d.waitForJob((j) => j.id === first.id && j.phase === 'retry-wait');
    const limitedAt = sim.chatRequests.find((r) => r.model === 'acme/limited')!.time;
    assert.ok(Date.parse(waiting.retryAt!) >= limitedAt + 1900, 'the first job waits out the Retry-After');
    const [second, other] = await Promise.all(
      ['acme/limited', 'sim/beta'].map((model) =>
        d.connection.sendRequest(P.GenerationStartRequest, { templateSlug: 'crud_todo_list', model }),
      ),
    );
    const [secondDone, otherDone] = await Promise.all([
      waitFinished(d, second!.id),
      waitFinished(d, other!.id),
    ]);
    const doneAt = Date.now();
    assert.equal(secondDone.status, 'succeeded');
    assert.equal(otherDone.status, 'succeeded');
    assert.equal(secondDone.attempts, 2, 'no retry and no wait for the second job');
    assert.ok(doneAt < limitedAt + 2000, 'the other calls to the model did not wait for the Retry-After');
    const firstDone = await waitFinished(d, first.id);
    assert.equal(firstDone.status, 'succeeded');
    assert.equal(firstDone.attempts, 3);
    const retry = sim.chatRequests.filter((r) => r.model === 'acme/limited')[3];
    assert.ok(retry && retry.time >= limitedAt + 2000, 'the first call retried after its Retry-After');
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
