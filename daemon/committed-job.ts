/**
 * A job an earlier daemon left unfinished may have been committed before that daemon could save its
 * success: its app's commit record names it (see commit-record.ts). Such a job is recorded as
 * succeeded from the record, never run (nor paid for) again.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job } from '../shared/job';
import { COMMIT_RECORD_FILE } from '../shared/workspace-layout';
import { replacedVersionOf } from './app-versions';
import { type CommitEntry, findCommit } from './commit-record';

/** The job as it ended, when its app holds its commit; undefined when it has to run. */
export function committedJob(workspace: string, job: Job): Job | undefined {
  const commit = commitOf(workspace, job);
  if (!commit) return undefined;
  const previousVersionPath = replacedVersionOf(workspace, job.appPath, job.id);
  const finished: Job = {
    ...job,
    status: 'succeeded',
    phase: 'succeeded',
    attempts: Math.max(job.attempts, commit.attempts),
    files: commit.files,
    finishedAt: commit.committedAt,
    ...(commit.usage ? { usage: commit.usage } : {}),
    ...(commit.generationIds ? { generationIds: commit.generationIds } : {}),
    ...(commit.provider ? { provider: commit.provider } : {}),
    ...(previousVersionPath ? { previousVersionPath } : {}),
  };
  delete finished.retryAt;
  delete finished.error;
  return finished;
}

/** The job's entry in its app's commit record, if the app holds its commit. */
function commitOf(workspace: string, job: Job): CommitEntry | undefined {
  const file = join(workspace, job.appPath, COMMIT_RECORD_FILE);
  try {
    // A link is never followed: the record is a file the commit itself wrote.
    if (!lstatSync(file).isFile()) return undefined;
    return findCommit(readFileSync(file, 'utf8'), job.id);
  } catch {
    return undefined;
  }
}
