/**
 * The Markdown report of a finished batch: a title naming its file and start (UTC), a table of
 * models (counts, rates, cost, median duration), a models x templates matrix (status, duration,
 * tokens, cost, prompt hash, link to each app, and once apps are checked their check and each
 * model's mean score) and the failures with their errors. Every status emoji comes with its word.
 * Pure: jobs in, text out.
 */
import type { Job } from '../../shared/job';
import { checkDetailsFile, linkFromReport } from '../../shared/workspace-layout';
import { checkEnded, describeCheck } from '../checks/check-text';
import { shortPromptHash } from '../prompts/prompt-hash';
import { type JobsSummary, modelSummaryLines, summarizeJobs } from './model-summary';
import {
  formatDuration,
  formatUsd,
  inlineText,
  jobDurationMs,
  percent,
  STATUS_MARKS,
  utcMinute,
} from './report-format';

export interface BatchReportInput {
  batchId: string;
  file: string;
  startedAt: string;
  finishedAt: string;
  jobs: Job[];
  note?: string;
}

/**
 * A batch's jobs laid out for the report, built in one pass over them: models and templates each
 * sorted by code point (the same order on every machine, and no collator to build), and each
 * model's jobs by app number per template.
 */
export interface ReportGrid {
  models: string[];
  templates: string[];
  /** The jobs of a model and template, by app number (in the order given for equal numbers). */
  cell: (model: string, template: string) => readonly Job[];
  /** Every job of a model, by app number. */
  jobsOf: (model: string) => readonly Job[];
  /** Every job, by model, then app number. */
  ordered: Job[];
}

const NONE: readonly Job[] = [];

export function groupReportJobs(jobs: readonly Job[]): ReportGrid {
  const byModel = new Map<string, Job[]>();
  const templateSet = new Set<string>();
  for (const job of jobs) {
    const { model } = job;
    const list = byModel.get(model);
    if (list) list.push(job);
    else byModel.set(model, [job]);
  }
  const models = [...byModel.keys()].sort();
  const cells = new Map<string, Map<string, Job[]>>();
  const ordered: Job[] = [];
  for (const model of models) {
    // A stable sort of each model's jobs equals the order a sort of all by (model, app number) gives.
    const list = byModel.get(model)!.sort((a, b) => a.appNum - b.appNum);
    const byTemplate = new Map<string, Job[]>();
    for (const job of list) {
      const template = job.templateSlug;
      templateSet.add(template);
      const cell = byTemplate.get(template);
      if (cell) cell.push(job);
      else byTemplate.set(template, [job]);
      ordered.push(job);
    }
    cells.set(model, byTemplate);
  }
  return {
    models,
    templates: [...templateSet].sort(),
    cell: (model, template) => cells.get(model)?.get(template) ?? NONE,
    jobsOf: (model) => byModel.get(model) ?? NONE,
    ordered,
  };
}

export function renderBatchReport(input: BatchReportInput): string {
  const grid = groupReportJobs(input.jobs);
  const jobs = grid.ordered;
  const { models, templates } = grid;
  const counts: Record<Job['status'], number> = {
    queued: 0,
    running: 0,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
  };
  let cost = 0;
  let tokens = 0;
  for (const job of jobs) {
    counts[job.status]++;
    cost += job.usage?.costUsd ?? 0;
    tokens += job.usage ? job.usage.promptTokens + job.usage.completionTokens : 0;
  }
  const start = utcMinute(input.startedAt);
  const lines: string[] = [
    `# Batch ${input.file ? inlineText(input.file) : '(file unknown)'}, ${start ?? 'start time unknown'}`,
    '',
    `- Batch: ${input.batchId}`,
    `- File: \`${input.file || '(unknown)'}\``,
    `- Started: ${input.startedAt}`,
    `- Finished: ${input.finishedAt}`,
    `- Jobs: ${jobs.length} (${counts.succeeded} succeeded, ${counts.failed} failed, ${counts.cancelled} cancelled)`,
    `- Tokens: ${tokens}`,
    `- Cost: ${formatUsd(cost)}`,
  ];
  const checked = jobs.filter((j) => checkEnded(j.check));
  if (checked.length > 0) {
    const score = scoreOf(summarizeJobs(checked));
    lines.push(`- Checks: ${checkCounts(checked)}${score ? `; mean score ${score}` : ''}`);
  }
  if (input.note) lines.push(`- Note: ${input.note}`);
  const overrides = [...new Set(jobs.flatMap((j) => j.promptOverrides ?? []))].sort();
  if (overrides.length > 0) lines.push(`- Prompt files overridden: ${overrides.join(', ')}`);
  const scoreColumn = checked.length > 0;
  // Each model's jobs are its own list in the grid: no pass over every job per model.
  const summaries = models.map((model) => ({ model, summary: summarizeJobs(grid.jobsOf(model)) }));
  lines.push('', '## Models', '');
  // Line by line: a spread of one argument per model would overflow the stack for very many.
  for (const line of modelSummaryLines(summaries, scoreColumn)) lines.push(line);
  lines.push(
    '',
    '## Results',
    '',
    `| model | ${templates.join(' | ')} |${scoreColumn ? ' score |' : ''}`,
    `| --- |${templates.map(() => ' --- |').join('')}${scoreColumn ? ' --- |' : ''}`,
  );
  for (const { model, summary } of summaries) {
    const cells = templates.map((template) => grid.cell(model, template).map(cell).join('<br>'));
    if (scoreColumn) cells.push(scoreOf(summary));
    lines.push(`| \`${model}\` | ${cells.join(' | ')} |`);
  }
  const failures = jobs.filter((j) => j.status === 'failed' || j.status === 'cancelled');
  if (failures.length > 0) {
    lines.push('', '## Failures', '');
    for (const job of failures) {
      const error = job.error
        ? `\`${job.error.code}\`${job.error.status ? ` (HTTP ${job.error.status})` : ''}: ${oneLine(job.error.message)}`
        : 'no error recorded';
      lines.push(`- \`${job.model}\` ${job.templateSlug} app${job.appNum}: ${error}`);
    }
  }
  const incomplete = jobs.filter((j) => j.status === 'succeeded' && (j.warnings?.length ?? 0) > 0);
  if (incomplete.length > 0) {
    lines.push('', '## Incomplete apps', '');
    for (const job of incomplete) {
      const listed = job.warnings!.slice(0, 5).map((w) => `${w.code}: ${oneLine(w.message)}`);
      const more = job.warnings!.length > 5 ? ` (and ${job.warnings!.length - 5} more)` : '';
      lines.push(`- \`${job.model}\` ${job.templateSlug} app${job.appNum}: ${listed.join('; ')}${more}`);
    }
  }
  const checkFailures = checked.filter(
    (j) => j.check!.verdict === 'failed' || j.check!.verdict === 'partial',
  );
  if (checkFailures.length > 0) {
    lines.push('', '## Check failures', '');
    for (const job of checkFailures) {
      const reason = job.check!.reason ? `: ${oneLine(job.check!.reason)}` : '';
      lines.push(
        `- \`${job.model}\` ${job.templateSlug} app${job.appNum}: ${describeCheck(job.check)}${reason} ([details](${encodeURI(linkFromReport(checkDetailsFile(job.modelSlug, job.appNum, job.id)))}))`,
      );
    }
  }
  lines.push('');
  return lines.join('\n');
}

/** "3 passed, 1 partial, 1 failed". */
function checkCounts(jobs: Job[]): string {
  const verdicts = ['passed', 'partial', 'failed', 'skipped'] as const;
  return verdicts
    .map((verdict) => [verdict, jobs.filter((j) => j.check!.verdict === verdict).length] as const)
    .filter(([, count]) => count > 0)
    .map(([verdict, count]) => `${count} ${verdict}`)
    .join(', ');
}

/** The mean score of the ended checks that scored their app, as a percentage; '' for none. */
function scoreOf(summary: JobsSummary): string {
  return summary.meanScore === undefined ? '' : percent(summary.meanScore);
}

function cell(job: Job): string {
  // Encoded so an outputDir with spaces still links.
  const parts = [`${STATUS_MARKS[job.status]} [app${job.appNum}](${encodeURI(linkFromReport(job.appPath))})`];
  const duration = jobDurationMs(job);
  if (duration !== undefined) parts.push(formatDuration(duration));
  if (job.usage) parts.push(`${job.usage.promptTokens + job.usage.completionTokens} tok`);
  if (job.usage?.costUsd !== undefined) parts.push(formatUsd(job.usage.costUsd));
  if (job.error) parts.push(`\`${job.error.code}\``);
  // Which prompts the job sent: jobs asked the same thing share it.
  if (job.promptHash) parts.push(`prompt \`${shortPromptHash(job.promptHash)}\``);
  if (checkEnded(job.check)) parts.push(`check ${describeCheck(job.check)}`);
  const warned = job.warnings?.length ?? 0;
  if (warned > 0) parts.push(`⚠ ${warned} ${warned === 1 ? 'warning' : 'warnings'}`);
  if (job.retries) parts.push(`${job.retries} ${job.retries === 1 ? 'retry' : 'retries'}`);
  return parts.join(' · ');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 300);
}
