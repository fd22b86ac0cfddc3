import type { SqlValue } from 'sql.js';
import { isErrorCode, type JobError } from '../../shared/errors';
import type { Component, GenerationOptions, Job, JobStatus, Usage } from '../../shared/job';
import { normalizeTimestamp } from './timestamps';

/** Where a recorded job came from. */
export type JobSource = 'daemon' | 'legacy';

/** Every column of the `jobs` table that a job is written to, in insert order. */
export const JOB_COLUMNS = [
  'id',
  'batch_id',
  'template_slug',
  'model',
  'model_slug',
  'app_num',
  'app_path',
  'status',
  'phase',
  'attempts',
  'error_code',
  'error_message',
  'error_status',
  'files',
  'prompt_tokens',
  'completion_tokens',
  'cost_usd',
  'provider',
  'generation_ids',
  'artifacts_path',
  'previous_version_path',
  'priority',
  'components',
  'options',
  'retry_of',
  'created_at',
  'started_at',
  'finished_at',
  'updated_at',
  'source',
  'legacy_key',
  'legacy_data',
  'extra',
] as const;

export type JobColumn = (typeof JOB_COLUMNS)[number];
export type JobRow = Record<JobColumn, SqlValue>;

/** Job fields that have a column of their own; anything else a job carries goes to `extra`. */
const COLUMN_FIELDS = new Set<string>([
  'id',
  'batchId',
  'templateSlug',
  'model',
  'modelSlug',
  'appNum',
  'appPath',
  'status',
  'phase',
  'attempts',
  'error',
  'files',
  'usage',
  'createdAt',
  'startedAt',
  'finishedAt',
  'priority',
  'components',
  'options',
  'previousVersionPath',
  'artifactsPath',
  'generationIds',
  'provider',
  'retryOf',
]);

/** How a job was recorded, beyond the job itself. */
export interface JobOrigin {
  source: JobSource;
  /** Identifies the old tool's row, so that a second import skips it. */
  legacyKey?: string;
  /** The old tool's row as read, kept for reference (original timestamps, metadata). */
  legacyData?: unknown;
}

/** The row that stores `job`; timestamps are normalised where they can be read. */
export function jobToRow(job: Job, updatedAt: string, origin: JobOrigin = { source: 'daemon' }): JobRow {
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(job)) {
    if (!COLUMN_FIELDS.has(key) && value !== undefined) extra[key] = value;
  }
  return {
    id: job.id,
    batch_id: job.batchId ?? null,
    template_slug: job.templateSlug,
    model: job.model,
    model_slug: job.modelSlug,
    app_num: job.appNum,
    app_path: job.appPath,
    status: job.status,
    phase: job.phase ?? null,
    attempts: job.attempts,
    error_code: job.error?.code ?? null,
    error_message: job.error?.message ?? null,
    error_status: job.error?.status ?? null,
    files: toJson(job.files),
    prompt_tokens: job.usage?.promptTokens ?? null,
    completion_tokens: job.usage?.completionTokens ?? null,
    cost_usd: job.usage?.costUsd ?? null,
    provider: job.provider ?? null,
    generation_ids: toJson(job.generationIds),
    artifacts_path: job.artifactsPath ?? null,
    previous_version_path: job.previousVersionPath ?? null,
    priority: job.priority ?? null,
    components: toJson(job.components),
    options: toJson(job.options),
    retry_of: job.retryOf ?? null,
    created_at: timestamp(job.createdAt) ?? job.createdAt,
    started_at: timestamp(job.startedAt),
    finished_at: timestamp(job.finishedAt),
    updated_at: updatedAt,
    source: origin.source,
    legacy_key: origin.legacyKey ?? null,
    legacy_data: toJson(origin.legacyData),
    extra: Object.keys(extra).length === 0 ? null : JSON.stringify(extra),
  };
}

/** The job a row stores, shaped exactly like `Job`: absent optional fields are left out, never null. */
export function rowToJob(row: Partial<Record<JobColumn, SqlValue>>): Job {
  const job: Job = {
    id: String(row.id),
    templateSlug: String(row.template_slug),
    model: String(row.model),
    modelSlug: String(row.model_slug),
    appNum: Number(row.app_num),
    appPath: String(row.app_path),
    status: String(row.status) as JobStatus,
    attempts: Number(row.attempts ?? 0),
    createdAt: String(row.created_at),
  };
  setText(job, 'batchId', row.batch_id);
  setText(job, 'phase', row.phase);
  if (row.error_code !== null && row.error_code !== undefined) {
    const code = String(row.error_code);
    const error: JobError = {
      code: isErrorCode(code) ? code : 'internal',
      message: String(row.error_message ?? ''),
    };
    if (typeof row.error_status === 'number') error.status = row.error_status;
    job.error = error;
  }
  const files = fromJson<string[]>(row.files);
  if (Array.isArray(files)) job.files = files;
  if (typeof row.prompt_tokens === 'number' || typeof row.completion_tokens === 'number') {
    const usage: Usage = {
      promptTokens: Number(row.prompt_tokens ?? 0),
      completionTokens: Number(row.completion_tokens ?? 0),
    };
    if (typeof row.cost_usd === 'number') usage.costUsd = row.cost_usd;
    job.usage = usage;
  }
  setText(job, 'startedAt', row.started_at);
  setText(job, 'finishedAt', row.finished_at);
  if (typeof row.priority === 'number') job.priority = row.priority;
  const components = fromJson<Component[]>(row.components);
  if (Array.isArray(components)) job.components = components;
  const options = fromJson<GenerationOptions>(row.options);
  if (isPlainObject(options)) job.options = options;
  setText(job, 'previousVersionPath', row.previous_version_path);
  setText(job, 'artifactsPath', row.artifacts_path);
  const generationIds = fromJson<string[]>(row.generation_ids);
  if (Array.isArray(generationIds)) job.generationIds = generationIds;
  setText(job, 'provider', row.provider);
  setText(job, 'retryOf', row.retry_of);
  const extra = fromJson<Record<string, unknown>>(row.extra);
  if (isPlainObject(extra)) {
    // Columns win over a stray copy of the same field in `extra`.
    for (const [key, value] of Object.entries(extra)) {
      if (!COLUMN_FIELDS.has(key) && value !== null && value !== undefined) {
        (job as unknown as Record<string, unknown>)[key] = value;
      }
    }
  }
  return job;
}

type TextField =
  | 'batchId'
  | 'phase'
  | 'startedAt'
  | 'finishedAt'
  | 'previousVersionPath'
  | 'artifactsPath'
  | 'provider'
  | 'retryOf';

function setText(job: Job, field: TextField, value: SqlValue | undefined): void {
  if (value !== null && value !== undefined) job[field] = String(value);
}

/** The normalised form itself: what the daemon's clock writes, so nearly every value. */
const NORMALISED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function timestamp(value: string | undefined): string | null {
  if (value === undefined) return null;
  // Kept as it is either way: normalising it gives it back, or fails on an impossible date, which
  // is then kept as written. Parsing 300,000 of them was a fifth of recording a large batch.
  if (NORMALISED.test(value)) return value;
  return normalizeTimestamp(value) ?? value;
}

function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function fromJson<T>(value: SqlValue | undefined): T | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value) as T;
  } catch {
    return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
