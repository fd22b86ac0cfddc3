/**
 * The journal of one commit, `.appgen/commits/<jobId>.json`: the job id and the app's
 * workspace-relative path, nothing else (see `app-place.ts` for what recovery derives from them).
 * It is written before the commit makes any folder, so recovery finds every folder a crash left.
 */
import { commitJournalName } from '../shared/workspace-layout';

export interface CommitJournal {
  jobId: string;
  appPath: string;
}

export function journalText(journal: CommitJournal): string {
  return JSON.stringify({ jobId: journal.jobId, appPath: journal.appPath });
}

/**
 * The journal a file holds, or why it holds none: not JSON, fields missing or of another kind, or
 * a job id other than the file's name. The paths are checked by `appPlace`, not here.
 */
export function parseJournal(fileName: string, text: string): CommitJournal | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON (cut off while being written, or not a journal)';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const { jobId, appPath, ...rest } = value as Record<string, unknown>;
  if (typeof jobId !== 'string' || typeof appPath !== 'string') {
    return 'it does not name a job id and an app path (written by an older AppGen, or not by AppGen)';
  }
  const extra = Object.keys(rest);
  if (extra.length > 0) return `it holds fields a journal never has (${extra.join(', ')})`;
  if (commitJournalName(jobId) !== fileName) return `its job id "${jobId}" is not its file's name`;
  return { jobId, appPath };
}
