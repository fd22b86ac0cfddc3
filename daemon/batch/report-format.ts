/**
 * The batch report's small text forms: status marks, percentages, durations, costs, the title's
 * time and Markdown-safe inline text. Pure, and independent of the machine's time zone.
 */
import type { Job, JobStatus } from '../../shared/job';

/** Each status as an emoji and its word: some fonts show emoji as boxes, the word still reads. */
export const STATUS_MARKS: Readonly<Record<JobStatus, string>> = {
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  cancelled: '⏹ cancelled',
  queued: '⏳ queued',
  running: '🔄 running',
};

/** Shown in a table cell that has no figure. */
export const NO_FIGURE = '–';

/** A fraction from 0 to 1 as a whole percentage, never rounded up to 100% or down to 0%. */
export function percent(fraction: number): string {
  const whole = Math.round(fraction * 100);
  // 199 of 200 is not a perfect record, nor 1 of 200 none.
  if (whole === 100 && fraction < 1) return '99%';
  if (whole === 0 && fraction > 0) return '1%';
  return `${whole}%`;
}

/** "0.4 s", "12.5 s", "2 min 5 s", "1 h 3 min". */
export function formatDuration(ms: number): string {
  // Below 59.95 s, which would print as "60.0 s".
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "$0.0125". */
export function formatUsd(costUsd: number): string {
  return `$${costUsd.toFixed(4)}`;
}

/** From a job's start to its end, when it has both and they make sense. */
export function jobDurationMs(job: Job): number | undefined {
  if (!job.startedAt || !job.finishedAt) return undefined;
  const ms = parseUtc(job.finishedAt) - parseUtc(job.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** "2026-12-06 14:03 UTC" from an ISO-8601 time; undefined when it is not one. */
export function utcMinute(iso: string): string | undefined {
  const time = parseUtc(iso);
  if (Number.isNaN(time)) return undefined;
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * Milliseconds since the epoch; a time without a zone is taken as UTC, as every time stored here
 * is (Date.parse would read it in the machine's zone).
 */
function parseUtc(iso: string): number {
  if (iso.endsWith('Z')) return Date.parse(iso);
  return Date.parse(/T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(iso) ? `${iso}Z` : iso);
}

/** Text on one line of at most `max` characters, its Markdown characters escaped. */
export function inlineText(text: string, max = 200): string {
  return text
    .replace(/\s+/g, ' ')
    .slice(0, max)
    .replace(/[\\`*_[\]<>|#~]/g, '\\$&');
}
