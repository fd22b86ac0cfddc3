import assert from 'node:assert/strict';
import type { DaemonLink } from '../../../cli/daemon-link';
import { type FollowOutcome, followJobs, waitForJobs } from '../../../cli/follow-jobs';
import type { Interrupt } from '../../../cli/interrupt';
import { ProgressView } from '../../../cli/progress-view';
import type { Job } from '../../../shared/job';
import * as P from '../../../shared/protocol';
import { minimalJob } from '../../support/job-fixtures';

const REASON = 'OpenRouter reports insufficient credits (HTTP 402)';

/** A daemon link whose notifications the test sends and whose `daemon/status` it decides. */
function fakeDaemon(paused: () => string | undefined) {
  const jobListeners = new Set<(job: Job) => void>();
  const pauseListeners = new Set<(reason: string) => void>();
  let statusRequests = 0;
  const link = {
    connection: {
      sendRequest: async (type: { method: string }) => {
        assert.equal(type.method, P.StatusRequest.method);
        statusRequests++;
        const reason = paused();
        return reason === undefined ? {} : { paused: reason };
      },
    },
    exited: new Promise<number | null>(() => {}),
    onJobChanged: (listener: (job: Job) => void) => {
      jobListeners.add(listener);
      return () => jobListeners.delete(listener);
    },
    onPaused: (listener: (reason: string) => void) => {
      pauseListeners.add(listener);
      return () => pauseListeners.delete(listener);
    },
  } as unknown as DaemonLink;
  return {
    link,
    change: (job: Job) => {
      for (const listener of [...jobListeners]) listener(job);
    },
    pause: (reason: string) => {
      for (const listener of [...pauseListeners]) listener(reason);
    },
    statusRequests: () => statusRequests,
  };
}

const noInterrupt: Interrupt = { happened: new Promise(() => {}), fired: false, dispose: () => {} };

function capture() {
  let text = '';
  const out = {
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
    columns: 100,
  };
  return { out: out as unknown as NodeJS.WriteStream, text: () => text };
}

/** Lets every pending reply and callback run; no time passes. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** Follows `jobs` and reports whether (and how) the wait has ended so far. */
function follow(daemon: ReturnType<typeof fakeDaemon>, jobs: Job[]) {
  const output = capture();
  const view = new ProgressView(output.out, false);
  followJobs(daemon.link, view).track(jobs);
  let outcome: FollowOutcome | undefined;
  void waitForJobs(
    daemon.link,
    view,
    jobs.map((j) => j.id),
    noInterrupt,
  ).then((o) => {
    outcome = o;
  });
  return { outcome: () => outcome, output: output.text };
}

describe('waitForJobs', () => {
  const running = minimalJob({ id: 'a', status: 'running' });
  const queued = minimalJob({ id: 'b', status: 'queued', appNum: 2 });

  it('ends with the pause only once no job of its own runs, and prints the reason at once', async () => {
    let paused: string | undefined;
    const daemon = fakeDaemon(() => paused);
    const wait = follow(daemon, [running, queued]);
    await flush();
    paused = REASON;
    daemon.pause(REASON);
    await flush();
    assert.ok(wait.output().includes(`${REASON}\n`), wait.output());
    assert.equal(wait.outcome(), undefined, 'a running job still finishes');
    daemon.change({ ...running, status: 'failed' });
    await flush();
    assert.deepEqual(wait.outcome(), { kind: 'paused', reason: REASON });
  });

  it('keeps waiting when another client resumed the queue meanwhile, and ends when the jobs do', async () => {
    const daemon = fakeDaemon(() => undefined);
    const wait = follow(daemon, [queued]);
    daemon.pause(REASON);
    await flush();
    assert.ok(daemon.statusRequests() >= 2, 'it asked before giving up');
    assert.equal(wait.outcome(), undefined);
    daemon.change({ ...queued, status: 'succeeded' });
    await flush();
    assert.deepEqual(wait.outcome(), { kind: 'done' });
  });

  it('learns from daemon/status of a queue paused before it connected', async () => {
    const daemon = fakeDaemon(() => REASON);
    const wait = follow(daemon, [queued]);
    await flush();
    assert.deepEqual(wait.outcome(), { kind: 'paused', reason: REASON });
    assert.equal(wait.output(), `${REASON}\n`);
  });

  it('ends done, not paused, when the last job finishes as the queue pauses', async () => {
    let paused: string | undefined;
    const daemon = fakeDaemon(() => paused);
    const wait = follow(daemon, [running]);
    await flush();
    daemon.change({ ...running, status: 'failed' });
    paused = REASON;
    daemon.pause(REASON);
    await flush();
    assert.deepEqual(wait.outcome(), { kind: 'done' });
  });
});

describe('ProgressView.note', () => {
  it('prints each text once, however many times it is told', () => {
    const output = capture();
    const view = new ProgressView(output.out, false);
    view.note('Budget reached');
    view.note(REASON);
    view.note('Budget reached');
    assert.equal(output.text(), `Budget reached\n${REASON}\n`);
  });
});
