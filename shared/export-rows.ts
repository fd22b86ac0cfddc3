/**
 * Results as a table, one row per job, for `appgen export` and AppGen: Export Results: the same
 * columns and the same CSV from both. Pure.
 */
import type { Job } from './job';

export const EXPORT_COLUMNS = [
  'model',
  'template',
  'app',
  'status',
  'error_code',
  'prompt_tokens',
  'completion_tokens',
  'cost_usd',
  'duration_ms',
  'attempts',
  'retries',
  'check_verdict',
  'check_score',
  'warnings',
  'job_id',
  'batch_id',
  'created_at',
] as const;

export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string | number | null>;

type JobWithExtras = Job & { check?: { verdict?: string; score?: number } };

export function exportRow(job: Job): ExportRow {
  const extra = job as JobWithExtras;
  const started = job.startedAt ? Date.parse(job.startedAt) : Number.NaN;
  const finished = job.finishedAt ? Date.parse(job.finishedAt) : Number.NaN;
  return {
    model: job.model,
    template: job.templateSlug,
    app: job.appNum,
    status: job.status,
    error_code: job.error?.code ?? null,
    prompt_tokens: job.usage?.promptTokens ?? null,
    completion_tokens: job.usage?.completionTokens ?? null,
    cost_usd: job.usage?.costUsd ?? null,
    duration_ms: Number.isNaN(started) || Number.isNaN(finished) ? null : finished - started,
    attempts: job.attempts,
    retries: job.retries ?? null,
    check_verdict: extra.check?.verdict ?? null,
    check_score: extra.check?.score ?? null,
    warnings: job.warnings?.length ?? 0,
    job_id: job.id,
    batch_id: job.batchId ?? null,
    created_at: job.createdAt,
  };
}

/** RFC 4180 CSV: a header row, then one row per job; CRLF line ends, quoted where needed. */
export function toCsv(rows: readonly ExportRow[]): string {
  const cell = (value: string | number | null) => {
    if (value === null) return '';
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [
    EXPORT_COLUMNS.join(','),
    ...rows.map((row) => EXPORT_COLUMNS.map((c) => cell(row[c])).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
