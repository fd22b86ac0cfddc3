/**
 * Context keys that say which job commands have something to act on, so the command palette
 * offers Cancel, Retry, Open App Folder, Reveal in Explorer and Show Raw Response only when they
 * would find a job (package.json `menus.commandPalette` uses them). The same filters choose the
 * jobs those commands offer, so a command shown is never one that answers "no matching jobs".
 * Knows nothing of VS Code: `setContext` comes in.
 */
import { isFinished, type Job } from '../shared/job';
import type { JobStore } from './job-store';

/** A kind of job some commands act on, with the context key that says one exists. */
export interface JobFilter {
  contextKey: string;
  matches: (job: Job) => boolean;
}

export const JOB_FILTERS = {
  /** Queued or running: Cancel. */
  unfinished: { contextKey: 'appgen.hasUnfinishedJobs', matches: (job) => !isFinished(job.status) },
  /** Succeeded, failed or cancelled: Retry. */
  finished: { contextKey: 'appgen.hasFinishedJobs', matches: (job) => isFinished(job.status) },
  /** Has an app on disk: Open App, Open App Folder, Reveal in Explorer. */
  succeeded: { contextKey: 'appgen.hasSucceededJobs', matches: (job) => job.status === 'succeeded' },
  /** Made a model call, so a response may be saved: Show Raw Response. */
  called: { contextKey: 'appgen.hasRawResponses', matches: (job) => job.attempts > 0 },
} as const satisfies Record<string, JobFilter>;

export type SetContext = (key: string, value: boolean) => void;

/** Keeps the context keys in step with the job store, setting a key only when its value changes. */
export class JobContextKeys {
  private readonly values = new Map<string, boolean>();
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly store: JobStore,
    private readonly setContext: SetContext,
  ) {
    this.subscription = store.onDidChange(() => this.update());
    this.update();
  }

  private update(): void {
    const jobs = this.store.allJobs();
    for (const filter of Object.values(JOB_FILTERS)) {
      const value = jobs.some(filter.matches);
      if (this.values.get(filter.contextKey) === value) continue;
      this.values.set(filter.contextKey, value);
      this.setContext(filter.contextKey, value);
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
