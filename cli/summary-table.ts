/** Plain-text tables for the terminal, and the human forms of durations, costs and times. */
import { formatDistanceStrict } from 'date-fns';
import type { Job } from '../shared/job';

export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatDuration(job: Job): string {
  if (!job.startedAt || !job.finishedAt) return '';
  return `${((Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000).toFixed(1)}s`;
}

export function formatCost(costUsd: number | undefined): string {
  return costUsd === undefined ? '' : `$${costUsd.toFixed(4)}`;
}

/** "3 minutes ago" from an ISO-8601 UTC timestamp. */
export function formatAgo(iso: string, now: Date): string {
  return `${formatDistanceStrict(new Date(iso), now)} ago`;
}

/** One row per job: what a person wants to compare after a run. */
export function jobSummaryTable(jobs: Job[]): string {
  const sorted = [...jobs].sort(
    (a, b) =>
      a.model.localeCompare(b.model) || a.templateSlug.localeCompare(b.templateSlug) || a.appNum - b.appNum,
  );
  return renderTable(
    ['model', 'template', 'app', 'status', 'time', 'tokens', 'cost', 'error'],
    sorted.map((j) => [
      j.model,
      j.templateSlug,
      `app${j.appNum}`,
      j.status,
      formatDuration(j),
      j.usage ? String(j.usage.promptTokens + j.usage.completionTokens) : '',
      formatCost(j.usage?.costUsd),
      j.error ? `${j.error.code}: ${j.error.message.replace(/\s+/g, ' ').slice(0, 80)}` : '',
    ]),
  );
}
