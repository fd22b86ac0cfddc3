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

/** The sum of two usages; the cost only when either has one. */
export function addUsage(a: Usage | undefined, b: Usage): Usage {
  const usage: Usage = {
    promptTokens: (a?.promptTokens ?? 0) + b.promptTokens,
    completionTokens: (a?.completionTokens ?? 0) + b.completionTokens,
  };
  if (a?.costUsd !== undefined || b.costUsd !== undefined)
    usage.costUsd = (a?.costUsd ?? 0) + (b.costUsd ?? 0);
  return usage;
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

/** How deep an app check goes: `static` reads the code (nothing runs), `smoke` starts the app. */
export type CheckLevel = 'static' | 'smoke';
export const CHECK_LEVELS: readonly CheckLevel[] = ['static', 'smoke'];

/** Where a check of an app stands: `running` until it ends, then its verdict. */
export type CheckVerdict = 'running' | 'passed' | 'partial' | 'failed' | 'skipped';

/**
 * The summary of the latest check of a job's app; the findings are in
 * `.appgen/checks/<model_slug>/app<N>/<jobId>.json`. `passed`: every endpoint of the template is
 * there and nothing is wrong; `partial`: it would run, but endpoints are missing or problems were
 * found; `failed`: it would not run as it is (a syntax error) or no endpoint is there; `skipped`:
 * nothing could be checked (`reason` says why).
 */
export interface JobCheck {
  verdict: CheckVerdict;
  /** endpointsOk / endpointsTotal, from 0 to 1. */
  score?: number;
  /** Endpoints of the template the app has (static) or that answered (smoke). */
  endpointsOk?: number;
  /** Endpoints the template asks for. */
  endpointsTotal?: number;
  /** Problems found: syntax errors, calls to routes the backend lacks, missing imports. */
  problems?: number;
  /** Why the check was skipped, what failed first, or which part could not run. */
  reason?: string;
  /** The levels asked for, in order. */
  levels?: CheckLevel[];
  /** ISO-8601 UTC: when the check started (while running) or ended. */
  checkedAt: string;
}

/** One generation of one app by one model (docs/protocol.md, "The job"). */
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
  /** The latest check of the app this job wrote (see `app/check`). */
  check?: JobCheck;
}

/** A job as read back from the history database; the same fields. */
export type HistoryEntry = Job;

export function isFinished(status: JobStatus): boolean {
  return FINISHED_STATUSES.includes(status);
}
