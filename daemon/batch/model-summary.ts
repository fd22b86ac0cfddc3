/**
 * The batch report's table of models: for each, its jobs by status, success rate, mean check
 * score, cost, median duration, tokens and retries. Pure: each model's jobs in, figures and text
 * out; it never reads a job's model, so a batch of many models costs one pass over its jobs.
 */
import type { Job } from '../../shared/job';
import { checkEnded } from '../checks/check-text';
import { formatDuration, formatUsd, jobDurationMs, NO_FIGURE, percent } from './report-format';

export interface JobsSummary {
  jobs: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** Succeeded of the jobs that succeeded or failed (a cancelled job says nothing of the model). */
  successRate?: number;
  /** The mean `check.score` of the model's apps whose check ended with one, from 0 to 1. */
  meanScore?: number;
  /** Failed jobs count: the calls they made were paid for. */
  costUsd: number;
  tokens: number;
  /** Of the jobs that started and ended. */
  medianDurationMs?: number;
  retries: number;
}

/** The figures of some jobs: a model's in the table, all the checked ones in the report's head. */
export function summarizeJobs(jobs: readonly Job[]): JobsSummary {
  const summary: JobsSummary = {
    jobs: jobs.length,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
    costUsd: 0,
    tokens: 0,
    retries: 0,
  };
  const durations: number[] = [];
  let scoreSum = 0;
  let scored = 0;
  for (const job of jobs) {
    if (job.status === 'succeeded') summary.succeeded++;
    else if (job.status === 'failed') summary.failed++;
    else if (job.status === 'cancelled') summary.cancelled++;
    if (job.usage) {
      summary.costUsd += job.usage.costUsd ?? 0;
      summary.tokens += job.usage.promptTokens + job.usage.completionTokens;
    }
    summary.retries += job.retries ?? 0;
    const duration = jobDurationMs(job);
    if (duration !== undefined) durations.push(duration);
    if (checkEnded(job.check) && job.check.score !== undefined) {
      scoreSum += job.check.score;
      scored++;
    }
  }
  const ended = summary.succeeded + summary.failed;
  if (ended > 0) summary.successRate = summary.succeeded / ended;
  if (scored > 0) summary.meanScore = scoreSum / scored;
  const median = medianOf(durations);
  if (median !== undefined) summary.medianDurationMs = median;
  return summary;
}

/**
 * The table, a row per model in the order given, and a line saying what its rates count. The
 * score column is there only when `withScore` (some app of the batch was checked).
 */
export function modelSummaryLines(
  rows: readonly { model: string; summary: JobsSummary }[],
  withScore: boolean,
): string[] {
  const header = ['model', 'jobs', 'succeeded', 'failed', 'cancelled', 'success rate'];
  if (withScore) header.push('mean check score');
  header.push('cost', 'median duration', 'tokens', 'retries');
  const lines = [`| ${header.join(' | ')} |`, `| --- |${' ---: |'.repeat(header.length - 1)}`];
  for (const { model, summary: s } of rows) {
    const cells = [
      `\`${model}\``,
      `${s.jobs}`,
      `${s.succeeded}`,
      `${s.failed}`,
      `${s.cancelled}`,
      figure(s.successRate, percent),
    ];
    if (withScore) cells.push(figure(s.meanScore, percent));
    cells.push(
      formatUsd(s.costUsd),
      figure(s.medianDurationMs, formatDuration),
      `${s.tokens}`,
      `${s.retries}`,
    );
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push(
    '',
    'Success rate: succeeded of the jobs that succeeded or failed (cancelled ones are left out). Duration: from the start of a job to its end.',
  );
  return lines;
}

function figure(value: number | undefined, format: (value: number) => string): string {
  return value === undefined ? NO_FIGURE : format(value);
}

function medianOf(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  values.sort((a, b) => a - b);
  const middle = values.length >> 1;
  return values.length % 2 === 1 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
}
