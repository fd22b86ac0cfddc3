/**
 * What the comparison view shows, computed from plain jobs: a matrix of templates x models whose
 * cells hold the runs (one per app) of that pair, and a summary per model. Pure, so every figure is
 * tested without VS Code; the panel only renders it.
 */
import type { Job, JobStatus } from '../../shared/job';
import { jobDurationMs } from '../job-presentation';

/** One app's latest job, as a cell shows it. */
export interface CompareRun {
  jobId: string;
  appNum: number;
  appPath: string;
  status: JobStatus;
  /** 0..1 from the app's check, when it was checked. */
  score?: number;
  verdict?: string;
  costUsd?: number;
  durationMs?: number;
  tokens?: number;
  /** Model calls made and how many of them were retries. */
  attempts: number;
  retries?: number;
  warnings: number;
  error?: string;
}

export interface CompareCell {
  template: string;
  model: string;
  runs: CompareRun[];
}

export interface ModelSummary {
  model: string;
  jobs: number;
  succeeded: number;
  /** succeeded / finished, 0..1; undefined while nothing finished. */
  successRate?: number;
  meanScore?: number;
  totalCostUsd: number;
  medianDurationMs?: number;
}

export interface CompareData {
  title: string;
  templates: string[];
  models: string[];
  cells: CompareCell[];
  summaries: ModelSummary[];
}

/** Which jobs to compare: one batch's, or every job (optionally of one template). */
export interface CompareScope {
  batchId?: string;
  templateSlug?: string;
}

type CheckedJob = Job & { check?: { verdict?: string; score?: number } };

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The latest job of each app: a retry replaces the run it retried. */
function latestPerApp(jobs: readonly Job[]): Job[] {
  const latest = new Map<string, Job>();
  for (const job of jobs) {
    const seen = latest.get(job.appPath);
    if (!seen || seen.createdAt < job.createdAt) latest.set(job.appPath, job);
  }
  return [...latest.values()];
}

function runOf(job: Job, now: Date): CompareRun {
  const checked = job as CheckedJob;
  const usage = job.usage;
  const duration = job.finishedAt ? jobDurationMs(job, now) : undefined;
  return {
    jobId: job.id,
    appNum: job.appNum,
    appPath: job.appPath,
    status: job.status,
    ...(checked.check?.score !== undefined ? { score: checked.check.score } : {}),
    ...(checked.check?.verdict !== undefined ? { verdict: checked.check.verdict } : {}),
    ...(usage?.costUsd !== undefined ? { costUsd: usage.costUsd } : {}),
    ...(duration !== undefined ? { durationMs: duration } : {}),
    ...(usage ? { tokens: usage.promptTokens + usage.completionTokens } : {}),
    attempts: job.attempts,
    ...(job.retries !== undefined ? { retries: job.retries } : {}),
    warnings: job.warnings?.length ?? 0,
    ...(job.error ? { error: `${job.error.code}: ${job.error.message}` } : {}),
  };
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summaryOf(model: string, runs: CompareRun[]): ModelSummary {
  const finished = runs.filter((run) => run.status !== 'queued' && run.status !== 'running');
  const succeeded = runs.filter((run) => run.status === 'succeeded').length;
  const scores = runs.flatMap((run) => (run.score === undefined ? [] : [run.score]));
  const durations = finished.flatMap((run) => (run.durationMs === undefined ? [] : [run.durationMs]));
  const meanScore = scores.length > 0 ? scores.reduce((a, b) => a + b, 0) / scores.length : undefined;
  const medianDurationMs = median(durations);
  return {
    model,
    jobs: runs.length,
    succeeded,
    ...(finished.length > 0 ? { successRate: succeeded / finished.length } : {}),
    ...(meanScore !== undefined ? { meanScore } : {}),
    totalCostUsd: runs.reduce((sum, run) => sum + (run.costUsd ?? 0), 0),
    ...(medianDurationMs !== undefined ? { medianDurationMs } : {}),
  };
}

/** Builds the matrix for a scope, from every job the extension knows of the folder. */
export function buildCompareData(jobs: readonly Job[], scope: CompareScope, now = new Date()): CompareData {
  const inScope = jobs.filter(
    (job) =>
      (scope.batchId === undefined || job.batchId === scope.batchId) &&
      (scope.templateSlug === undefined || job.templateSlug === scope.templateSlug),
  );
  const runs = latestPerApp(inScope);
  const templates = [...new Set(runs.map((job) => job.templateSlug))].sort(byCodePoint);
  const models = [...new Set(runs.map((job) => job.model))].sort(byCodePoint);
  const cellMap = new Map<string, CompareCell>();
  const perModel = new Map<string, CompareRun[]>();
  for (const job of runs) {
    const key = `${job.templateSlug}\u0000${job.model}`;
    let cell = cellMap.get(key);
    if (!cell) {
      cell = { template: job.templateSlug, model: job.model, runs: [] };
      cellMap.set(key, cell);
    }
    const run = runOf(job, now);
    cell.runs.push(run);
    const list = perModel.get(job.model);
    if (list) list.push(run);
    else perModel.set(job.model, [run]);
  }
  for (const cell of cellMap.values()) cell.runs.sort((a, b) => a.appNum - b.appNum);
  const title = scope.batchId
    ? `Batch ${scope.batchId.slice(0, 8)}`
    : scope.templateSlug
      ? `All runs of ${scope.templateSlug}`
      : 'All runs';
  return {
    title,
    templates,
    models,
    cells: [...cellMap.values()],
    summaries: models.map((model) => summaryOf(model, perModel.get(model) ?? [])),
  };
}
