import * as assert from 'node:assert/strict';
import { Emitter } from 'vscode-jsonrpc';
import { BatchFollower, type BatchProgressSource } from '../../../extension/batch-follower';
import type { DaemonState } from '../../../extension/daemon-client';
import type { BatchProgress } from '../../../shared/protocol';
import { progressOf } from './job-fixtures';

/** A daemon stand-in: notifications are fired by hand, `batch/status` answers are queued. */
function fakeSource() {
  const changed = new Emitter<BatchProgress>();
  const ready = new Emitter<unknown>();
  const state = new Emitter<DaemonState>();
  const answers: ((progress: BatchProgress) => void)[] = [];
  const asked: string[] = [];
  const source: BatchProgressSource = {
    onBatchChanged: changed.event,
    onReady: ready.event,
    onDidChangeState: state.event,
    status: (batchId) => {
      asked.push(batchId);
      return new Promise((resolve) => answers.push(resolve));
    },
  };
  return { source, changed, ready, state, answers, asked };
}

describe('BatchFollower', () => {
  it("reports the daemon's batch/changed counts of its batch only, and ends when the batch finishes", async () => {
    const fake = fakeSource();
    const seen: BatchProgress[] = [];
    const follower = new BatchFollower(fake.source, 'b1', (progress) => seen.push(progress));
    fake.changed.fire(progressOf({ batchId: 'other' }));
    fake.changed.fire(progressOf({ succeeded: 20, queued: 15 }));
    const last = progressOf({ queued: 0, running: 0, succeeded: 39, finished: true });
    fake.changed.fire(last);
    assert.deepEqual(await follower.done, last);
    assert.deepEqual(
      seen.map((progress) => progress.succeeded),
      [20, 39],
    );
    // Finished: later changes (a retried job reopening the batch) are not reported here.
    fake.changed.fire(progressOf());
    assert.equal(seen.length, 2);
  });

  it('asks batch/status at once, for changes sent before it listened', async () => {
    const fake = fakeSource();
    const seen: BatchProgress[] = [];
    const follower = new BatchFollower(fake.source, 'b1', (progress) => seen.push(progress));
    assert.deepEqual(fake.asked, ['b1']);
    const finished = progressOf({ queued: 0, running: 0, succeeded: 39, finished: true });
    fake.answers.shift()!(finished);
    assert.deepEqual(await follower.done, finished);
    assert.deepEqual(seen, [finished]);
  });

  it('asks again after the daemon restarted', async () => {
    const fake = fakeSource();
    const follower = new BatchFollower(fake.source, 'b1', () => undefined);
    fake.ready.fire({});
    assert.deepEqual(fake.asked, ['b1', 'b1']);
    fake.answers[1]!(progressOf({ queued: 0, running: 0, succeeded: 39, finished: true }));
    assert.equal((await follower.done)?.finished, true);
  });

  it('ends without a result when the daemon gives up, or when stopped', async () => {
    const fake = fakeSource();
    const gaveUp = new BatchFollower(fake.source, 'b1', () => undefined);
    fake.state.fire('restarting');
    fake.state.fire('failed');
    assert.equal(await gaveUp.done, undefined);

    const seen: BatchProgress[] = [];
    const stopped = new BatchFollower(fake.source, 'b1', (progress) => seen.push(progress));
    stopped.stop();
    assert.equal(await stopped.done, undefined);
    fake.changed.fire(progressOf());
    for (const answer of fake.answers) answer(progressOf());
    await Promise.resolve();
    assert.deepEqual(seen, []);
  });

  it('passes on a paused batch without ending it', () => {
    const fake = fakeSource();
    const seen: BatchProgress[] = [];
    const follower = new BatchFollower(fake.source, 'b1', (progress) => seen.push(progress));
    fake.changed.fire(progressOf({ paused: 'credits exhausted' }));
    fake.changed.fire(progressOf({ succeeded: 13, paused: 'credits exhausted' }));
    assert.deepEqual(
      seen.map((progress) => [progress.succeeded, progress.paused]),
      [
        [12, 'credits exhausted'],
        [13, 'credits exhausted'],
      ],
    );
    follower.stop();
  });
});
