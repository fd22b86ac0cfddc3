/**
 * How a job reads in the tree: label, description, icon, context value and tooltip text. Pure
 * (the current time comes in), so every wording can be tested without VS Code.
 */
import { formatDistance } from 'date-fns';
import type { Job, JobStatus } from '../shared/job';

/** A codicon id and an optional theme colour id. */
export interface JobIcon {
  id: string;
  color?: string;
}

const ICONS: Record<JobStatus, JobIcon> = {
  running: { id: 'sync~spin' },
  queued: { id: 'clock' },
  succeeded: { id: 'check', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  cancelled: { id: 'circle-slash' },
};

/** A succeeded job whose app is incomplete (the merger's warnings) shows a warning, not a check. */
const INCOMPLETE: JobIcon = { id: 'warning', color: 'list.warningForeground' };

/** A succeeded job's icon says how its app's check went, once it was checked. */
const CHECK_ICONS: Partial<Record<string, JobIcon>> = {
  passed: { id: 'pass-filled', color: 'testing.iconPassed' },
  partial: { id: 'pass', color: 'list.warningForeground' },
  failed: { id: 'circle-large-outline', color: 'testing.iconFailed' },
  running: { id: 'beaker' },
};

export function jobIcon(job: Job): JobIcon {
  const checked = job.status === 'succeeded' ? CHECK_ICONS[job.check?.verdict ?? ''] : undefined;
  if (checked) return checked;
  if (job.status === 'succeeded' && (job.warnings?.length ?? 0) > 0) return INCOMPLETE;
  return ICONS[job.status] ?? { id: 'question' };
}

/** "check passed 6/6", "check partial 4/6, 2 problems", "checking…", or undefined when not checked. */
export function checkText(job: Job): string | undefined {
  const check = job.check;
  if (!check) return undefined;
  if (check.verdict === 'running') return 'checking…';
  if (check.verdict === 'skipped') return 'check skipped';
  const endpoints =
    check.endpointsTotal !== undefined ? ` ${check.endpointsOk ?? 0}/${check.endpointsTotal}` : '';
  const problems = check.problems
    ? `, ${check.problems} ${check.problems === 1 ? 'problem' : 'problems'}`
    : '';
  return `check ${check.verdict}${endpoints}${problems}`;
}

/** "1 warning" / "3 warnings", or undefined when there is none. */
function warningCount(job: Job): string | undefined {
  const count = job.warnings?.length ?? 0;
  return count === 0 ? undefined : `${count} ${count === 1 ? 'warning' : 'warnings'}`;
}

/** At most this many warnings are listed in a tooltip; the rest are counted. */
const TOOLTIP_WARNINGS = 8;

export function jobLabel(job: Job): string {
  return `${job.model} · app${job.appNum}`;
}

/** Relative time such as "5 minutes ago", from an ISO timestamp. */
export function relativeTime(iso: string | undefined, now: Date): string | undefined {
  if (!iso) return undefined;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return undefined;
  return formatDistance(at, now, { addSuffix: true });
}

/** Seconds left of a retry wait, or undefined when the job is not waiting to retry. */
export function retryWaitSeconds(job: Job, now: Date): number | undefined {
  if (job.status !== 'running' || !job.retryAt) return undefined;
  const left = new Date(job.retryAt).getTime() - now.getTime();
  return Number.isNaN(left) ? undefined : Math.max(0, Math.ceil(left / 1000));
}

export function jobDescription(job: Job, now: Date): string {
  const parts: string[] = [];
  if (job.status === 'running') {
    const wait = retryWaitSeconds(job, now);
    parts.push(wait === undefined ? (job.phase ?? 'running') : `retrying in ${wait} s`);
    if (job.attempts > 0) parts.push(`attempt ${job.attempts}`);
    parts.push(job.templateSlug);
    const since = relativeTime(job.startedAt, now);
    if (since) parts.push(`started ${since}`);
    return parts.join(' · ');
  }
  if (job.status === 'queued') parts.push('queued');
  if (job.status === 'failed' && job.error) parts.push(job.error.code);
  if (job.status === 'cancelled') parts.push('cancelled');
  const check = job.status === 'succeeded' ? checkText(job) : undefined;
  if (check) parts.push(check);
  const warned = job.status === 'succeeded' ? warningCount(job) : undefined;
  if (warned) parts.push(warned);
  parts.push(job.templateSlug);
  const duration = job.status === 'queued' ? undefined : jobDurationMs(job, now);
  if (duration !== undefined) parts.push(formatDurationMs(duration));
  if (job.usage?.costUsd !== undefined) parts.push(formatUsd(job.usage.costUsd));
  const when = relativeTime(job.finishedAt ?? job.createdAt, now);
  if (when) parts.push(when);
  return parts.join(' · ');
}

/** The tree item's context value, matched by `viewItem` in package.json menus. */
export function jobContextValue(job: Job): string {
  // Artifacts exist once a model call was attempted; only then is there a raw response to show.
  return `job:${job.status}${job.attempts > 0 || job.artifactsPath ? ':raw' : ''}`;
}

/** "2 calls, 1 retry" when the retries are known, else "3 attempts". */
export function callsText(job: Job): string {
  const plural = (n: number, word: string, words: string) => `${n} ${n === 1 ? word : words}`;
  if (job.retries === undefined) return plural(job.attempts, 'attempt', 'attempts');
  const calls = Math.max(0, job.attempts - job.retries);
  return `${plural(calls, 'call', 'calls')}, ${plural(job.retries, 'retry', 'retries')}`;
}

/** A duration such as "850 ms", "12.3 s" or "2 min 5 s". */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds > 0 ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

export function jobDurationMs(job: Job, now: Date): number | undefined {
  if (!job.startedAt) return undefined;
  const start = new Date(job.startedAt).getTime();
  const end = job.finishedAt ? new Date(job.finishedAt).getTime() : now.getTime();
  return Number.isNaN(start) || Number.isNaN(end) ? undefined : Math.max(0, end - start);
}

export function formatUsd(value: number): string {
  return value >= 0.01 || value === 0 ? `$${value.toFixed(2)}` : `$${value.toPrecision(2)}`;
}

/**
 * Escapes text so Markdown shows it literally. Our values never start a line, so only the
 * characters that act inside a line need it.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>|~]/g, (char) => `\\${char}`);
}

/** The tooltip as Markdown: model, template, status, duration, tokens, cost and error. */
export function jobTooltipMarkdown(job: Job, now: Date): string {
  const lines = [`**${escapeMarkdown(job.model)}** · app ${job.appNum}`, ''];
  lines.push(`Template: ${escapeMarkdown(job.templateSlug)}`);
  const attempts = callsText(job);
  lines.push(
    `Status: ${job.status}${job.phase && job.status === 'running' ? ` (${escapeMarkdown(job.phase)})` : ''}, ${attempts}`,
  );
  if (job.batchId) lines.push(`Batch: ${escapeMarkdown(job.batchId)}`);
  const duration = jobDurationMs(job, now);
  if (duration !== undefined) lines.push(`Duration: ${formatDurationMs(duration)}`);
  if (job.usage) {
    const { promptTokens, completionTokens, costUsd } = job.usage;
    lines.push(
      `Tokens: ${promptTokens.toLocaleString('en-US')} prompt, ${completionTokens.toLocaleString('en-US')} completion`,
    );
    if (costUsd !== undefined) lines.push(`Cost: ${escapeMarkdown(formatUsd(costUsd))}`);
  }
  lines.push(`Created: ${relativeTime(job.createdAt, now) ?? job.createdAt}`);
  lines.push(`Folder: ${escapeMarkdown(job.appPath)}`);
  if (job.check && job.check.verdict !== 'running') {
    const score = job.check.score === undefined ? '' : ` (score ${Math.round(job.check.score * 100)}%)`;
    lines.push('', `**Check**: ${escapeMarkdown(checkText(job) ?? '')}${score}`);
    if (job.check.reason) lines.push(escapeMarkdown(job.check.reason));
  }
  if (job.warnings && job.warnings.length > 0) {
    lines.push('', `**${warningCount(job)}**: the app is incomplete`);
    for (const warning of job.warnings.slice(0, TOOLTIP_WARNINGS)) {
      const where = warning.file
        ? ` (${escapeMarkdown(warning.file)}${warning.line ? `:${warning.line}` : ''})`
        : '';
      lines.push(`- ${escapeMarkdown(warning.code)}: ${escapeMarkdown(warning.message)}${where}`);
    }
    const more = job.warnings.length - TOOLTIP_WARNINGS;
    if (more > 0) lines.push(`- and ${more} more`);
  }
  if (job.error) {
    const status = job.error.status === undefined ? '' : ` (HTTP ${job.error.status})`;
    lines.push(
      '',
      `**Error** ${escapeMarkdown(job.error.code)}${status}: ${escapeMarkdown(job.error.message)}`,
    );
  }
  // Two trailing spaces make Markdown keep each line break.
  return lines.join('  \n');
}
