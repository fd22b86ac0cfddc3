/**
 * The record an app keeps of the jobs committed into it: a small JSON file written into the staged
 * app, so it goes in with the same rename as the app itself. A job named there was committed,
 * whatever the history file says: a daemon killed between the swap and the save of the job's
 * success finds the job done on its next start, and never pays for it a second time.
 *
 * Knows nothing of the store or the queue; it turns texts into texts.
 */
import type { Usage } from '../shared/job';

/**
 * Commits kept, newest last. Only a commit whose success has not reached the history yet needs its
 * entry, and the history is saved within a fraction of a second of a commit (or retried until it
 * is), so a hundred later commits into the same app are far more than can come in between.
 */
const KEPT_COMMITS = 100;

/** What one job put into the app, enough to record the job succeeded without running it again. */
export interface CommitEntry {
  jobId: string;
  committedAt: string;
  /** App-relative paths written by the job, sorted (the record itself is not one of them). */
  files: string[];
  /** Model-call attempts of the job, retries and earlier runs included. */
  attempts: number;
  usage?: Usage;
  generationIds?: string[];
  provider?: string;
}

/** The record's text with `entry` added (replacing an entry of the same job). */
export function withCommit(current: string | undefined, entry: CommitEntry): string {
  const commits = readCommits(current).filter((kept) => kept.jobId !== entry.jobId);
  commits.push(entry);
  return `${JSON.stringify({ commits: commits.slice(-KEPT_COMMITS) }, null, 2)}\n`;
}

/** The entry of `jobId` in a record's text, if the job was committed into that app. */
export function findCommit(text: string | undefined, jobId: string): CommitEntry | undefined {
  return readCommits(text).find((entry) => entry.jobId === jobId);
}

/** The well-formed entries of a record; a missing, damaged or hand-edited file gives fewer or none. */
function readCommits(text: string | undefined): CommitEntry[] {
  if (text === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  const commits = (value as { commits?: unknown } | null)?.commits;
  return Array.isArray(commits) ? commits.filter(isEntry) : [];
}

function isEntry(value: unknown): value is CommitEntry {
  const entry = value as Partial<CommitEntry> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.jobId === 'string' &&
    typeof entry.committedAt === 'string' &&
    Array.isArray(entry.files) &&
    entry.files.every((file) => typeof file === 'string') &&
    typeof entry.attempts === 'number'
  );
}
