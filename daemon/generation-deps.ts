/**
 * What the generation service (generation-service.ts) is given: the history store, the queue, the
 * job runner's own dependencies, and the hooks that check requests and gate starts.
 */
import type { Job } from '../shared/job';
import type { HistoryListParams } from '../shared/protocol';
import type { JobQueue } from './job-queue';
import type { JobRunnerDeps } from './job-runner';
import type { Logger } from './logger';
import type { ModelNames } from './model-catalog-lookup';
import type { ProbeOutcome } from './probe-gate';
import type { Template } from './templates/template';

/** The parts of the history store the service needs. */
export interface JobStore {
  upsertJob(job: Job): void;
  getJob(id: string): Job | undefined;
  listJobs(filter: HistoryListParams & { batchId?: string }): Job[];
  listUnfinished(): Job[];
  maxAppNum(modelSlug: string): number;
  portsFor(modelSlug: string, appNum: number): { backend: number; frontend: number };
  /** `portsFor` of every app at once. */
  reservePorts(apps: readonly { modelSlug: string; appNum: number }[]): void;
  /** Saves every change so far at once (grouped with other waiting callers); fails if it cannot. */
  flush(): Promise<void>;
  /** Saves once the spacing between saves allows, retrying a failure until it succeeds. */
  saveSoon(): Promise<void>;
  /** Takes back jobs recorded but never saved. */
  forgetJobs(ids: readonly string[]): void;
}

export interface GenerationServiceDeps extends JobRunnerDeps {
  workspace: string;
  store: JobStore;
  queue: JobQueue;
  log: Logger;
  outputDir: () => string;
  findTemplate: (slug: string) => Promise<Template | undefined>;
  newId: () => string;
  onChanged: (job: Job) => void;
  /**
   * The server's model names to check a requested model against, or undefined when the list cannot
   * be had; without it (or without this dependency) any model id is taken.
   */
  modelNames?: (name: string) => Promise<ModelNames | undefined>;
  /** Throws (`invalid_params`, naming the file and line) when the prompt files cannot render the template. */
  checkPrompts?: (template: Template) => Promise<void>;
  /**
   * Asked before each job starts, and told how each job that passed it ended: after a pause for
   * credits it lets one job go first (see `QueuePause`). Without it every job starts when queued.
   */
  startGate?: StartGate;
}

/** See `GenerationServiceDeps.startGate`. */
export interface StartGate {
  pass(jobId: string): Promise<void>;
  ended(jobId: string, outcome: ProbeOutcome): void;
  /** Lets every job through (the daemon is stopping). */
  open(): void;
}

/** Where a job belongs: its batch, and the batch's output folder when it has its own. */
export interface JobContext {
  batchId?: string;
  outputDir?: string;
  /**
   * Shared by the jobs of one batch while they are prepared: the highest app number found in the
   * history and on disk per model slug, so that a batch of thousands reads them once, not per job.
   */
  foundAppNums?: Map<string, number>;
}
