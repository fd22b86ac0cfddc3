/**
 * Everything a check found, kept per job in `.appgen/checks/<model_slug>/app<N>/<jobId>.json`
 * (the job record carries only the summary). Replaced whole by a later check of the same job (a
 * temporary file renamed over it), readable by the user only, in folders reached through no link.
 * The names come from the history, which a workspace may bring along: one that is not a plain name
 * is refused rather than allowed to place the file elsewhere.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckLevel, Job, JobCheck } from '../../shared/job';
import { checkDetailsFile, checksFolder } from '../../shared/workspace-layout';
import { unsafePath } from '../merger/safe-app-path';
import { PRIVATE_FOLDER_MODE, writePrivateFileSync } from '../private-file';
import { ensureWorkspaceFolder } from '../workspace-folder';
import type { CheckFinding, EndpointResult, LevelResult, SkippedPart } from './level-result';

export interface CheckDetails {
  jobId: string;
  model: string;
  templateSlug: string;
  /** Workspace-relative folder of the app checked. */
  appPath: string;
  summary: JobCheck;
  durationMs: number;
  levels: {
    level: CheckLevel;
    status: 'ran' | 'skipped';
    reason?: string;
    skippedParts?: SkippedPart[];
    notes?: string[];
    probes?: readonly object[];
  }[];
  /** Each endpoint of the template as each level judged it. */
  endpoints: (EndpointResult & { level: CheckLevel })[];
  findings: (CheckFinding & { level: CheckLevel })[];
}

const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export function checkDetails(
  job: Job,
  results: readonly LevelResult[],
  summary: JobCheck,
  durationMs: number,
): CheckDetails {
  return {
    jobId: job.id,
    model: job.model,
    templateSlug: job.templateSlug,
    appPath: job.appPath,
    summary,
    durationMs,
    levels: results.map(({ level, status, reason, skippedParts, notes, probes }) => ({
      level,
      status,
      ...(reason ? { reason } : {}),
      ...(skippedParts ? { skippedParts } : {}),
      ...(notes ? { notes } : {}),
      ...(probes ? { probes } : {}),
    })),
    endpoints: results.flatMap((result) =>
      (result.endpoints ?? []).map((endpoint) => ({ level: result.level, ...endpoint })),
    ),
    findings: results.flatMap((result) =>
      result.findings.map((finding) => ({ level: result.level, ...finding })),
    ),
  };
}

/** Writes the details; returns their workspace-relative path. Throws `unsafe_path` for a link or a bad name. */
export function writeCheckDetails(workspace: string, job: Job, details: CheckDetails): string {
  const rel = checkDetailsFile(job.modelSlug, job.appNum, job.id);
  if (
    !PLAIN_NAME.test(job.modelSlug) ||
    !PLAIN_NAME.test(job.id) ||
    !Number.isInteger(job.appNum) ||
    job.appNum < 1
  ) {
    throw unsafePath(rel, 'is not made of plain names');
  }
  const folder = ensureWorkspaceFolder(workspace, checksFolder(job.modelSlug, job.appNum), {
    mode: PRIVATE_FOLDER_MODE,
  });
  const temp = join(folder, `.${job.id}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writePrivateFileSync(temp, `${JSON.stringify(details, null, 2)}\n`);
    renameSync(temp, join(workspace, ...rel.split('/')));
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return rel;
}
