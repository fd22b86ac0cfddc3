/**
 * Following the jobs of one command (a batch, one generation, the jobs being resumed) to an end:
 * all finished, Ctrl-C, the daemon gone, or the daemon's queue paused (credits exhausted) with none
 * of them running any more. A paused queue starts nothing until someone resumes it, so waiting on
 * would hang; the command stops instead and says how to continue.
 */
import type { Job } from '../shared/job';
import * as P from '../shared/protocol';
import type { DaemonLink } from './daemon-link';
import type { Interrupt } from './interrupt';
import type { ProgressView } from './progress-view';

export type FollowOutcome =
  | { kind: 'done' }
  | { kind: 'interrupted' }
  | { kind: 'daemon-exited' }
  | { kind: 'paused'; reason: string };

const FINISHED: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Feeds job changes to `view`, keeping those that arrive before the jobs are known (between a
 * request and its reply) until `track` names them.
 */
export function followJobs(link: DaemonLink, view: ProgressView): { track: (jobs: Job[]) => void } {
  let early: Job[] | undefined = [];
  link.onJobChanged((job) => {
    if (early) early.push(job);
    else view.update(job);
  });
  return {
    track: (jobs) => {
      view.track(jobs);
      const before = early ?? [];
      early = undefined;
      for (const job of before) view.update(job);
    },
  };
}

/**
 * Waits for the end of the tracked jobs `ids`. A pause is printed through `view` the moment it is
 * known; the wait ends on it only once no job of `ids` is running (a running job still finishes,
 * and its answer is not thrown away) and the daemon confirms it is still paused.
 */
export function waitForJobs(
  link: DaemonLink,
  view: ProgressView,
  ids: string[],
  interrupt: Interrupt,
): Promise<FollowOutcome> {
  const statusOf = (id: string) => view.all().find((j) => j.id === id)?.status ?? '';
  const isDone = () => ids.every((id) => FINISHED.has(statusOf(id)));
  const anyRunning = () => ids.some((id) => statusOf(id) === 'running');
  if (interrupt.fired) return Promise.resolve({ kind: 'interrupted' });
  if (isDone()) return Promise.resolve({ kind: 'done' });
  return new Promise((resolveOutcome) => {
    let ended = false;
    let paused: string | undefined;
    let confirming = false;
    const unsubscribe: (() => void)[] = [];
    const finish = (outcome: FollowOutcome) => {
      if (ended) return;
      ended = true;
      for (const stop of unsubscribe) stop();
      resolveOutcome(outcome);
    };
    const pausedBy = (reason: string) => {
      paused = reason;
      view.note(reason);
      settle();
    };
    const settle = () => {
      if (ended) return;
      if (isDone()) {
        finish({ kind: 'done' });
        return;
      }
      if (paused === undefined || anyRunning() || confirming) return;
      // Another client (VS Code) may have resumed the queue since: ask before giving up.
      confirming = true;
      link.connection.sendRequest(P.StatusRequest, {}).then(
        (status) => {
          confirming = false;
          paused = status.paused;
          if (paused !== undefined && !anyRunning() && !isDone()) finish({ kind: 'paused', reason: paused });
          else settle();
        },
        () => {
          confirming = false; // the daemon went away; `exited` ends the wait
        },
      );
    };
    void interrupt.happened.then(() => finish({ kind: 'interrupted' }));
    void link.exited.then(() => finish(isDone() ? { kind: 'done' } : { kind: 'daemon-exited' }));
    unsubscribe.push(link.onJobChanged(settle), link.onPaused(pausedBy));
    // A queue paused before this command connected sends no notification to it.
    link.connection.sendRequest(P.StatusRequest, {}).then(
      (status) => {
        if (status.paused !== undefined) pausedBy(status.paused);
      },
      () => undefined,
    );
  });
}
