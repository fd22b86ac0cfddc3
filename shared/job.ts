import type { JobError } from './errors';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
export const FINISHED_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

/** The two halves of a generated app, generated in this order. */
export type Component = 'backend' | 'frontend';
export const COMPONENTS: readonly Component[] = ['backend', 'frontend'];

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  costUsd?: number;
}

export interface GenerationOptions {
  temperature?: number;
  maxTokens?: number;
}

/**
 * Something missing from an app a job wrote, which does not fail the job: `unresolved_import` (a
 * local import names no file of the app), `undeclared_dependency` (a package the app imports is
 * not in requirements.txt / package.json).
 */
export interface JobWarning {
  code: string;
  message: string;
  /** App-relative path of the file concerned. */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
}

/** One generation of one app by one model, as the contract describes it. */
export interface Job {
  id: string;
  batchId?: string;
  templateSlug: string;
  model: string;
  modelSlug: string;
  appNum: number;
  /** Workspace-relative, posix separators. */
  appPath: string;
  status: JobStatus;
  /** "waiting", "backend", "frontend", "merging", or "retry-wait" while backing off. */
  phase?: string;
  /** Model-call attempts made so far, retries included. */
  attempts: number;
  /** Of those attempts, how many were retries (so `attempts - retries` calls were made). */
  retries?: number;
  error?: JobError;
  /** App-relative paths written by this job. */
  files?: string[];
  usage?: Usage;
  /** ISO-8601 UTC ending in "Z". */
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Extensions beyond the contract. */
  priority?: number;
  components?: Component[];
  options?: GenerationOptions;
  /** When a retry wait ends (ISO-8601 UTC), while phase is "retry-wait". */
  retryAt?: string;
  /** Where the previous version of the app was kept when this job replaced it (workspace-relative). */
  previousVersionPath?: string;
  /** Workspace-relative folder holding this job's request/response artifacts. */
  artifactsPath?: string;
  /** OpenRouter generation ids, one per model call. */
  generationIds?: string[];
  /** Provider that served the calls, when OpenRouter said. */
  provider?: string;
  /** The job this one retries. */
  retryOf?: string;
  /** Grows with every change of the record: of two copies of a job, the higher is newer. */
  revision?: number;
  /** On a succeeded job: what the written app lacks (imports of files or packages it does not have). */
  warnings?: JobWarning[];
  /**
   * sha256 (hex) of the prompts sent so far: each call's system text then user text, in order,
   * each followed by a zero byte. Jobs with the same hash were asked exactly the same thing.
   */
  promptHash?: string;
  /** The workspace's prompt files (`.appgen/prompts/<name>`) those prompts were rendered from. */
  promptOverrides?: string[];
}

/** A job as read back from the history database; the same fields. */
export type HistoryEntry = Job;

export function isFinished(status: JobStatus): boolean {
  return FINISHED_STATUSES.includes(status);
}
