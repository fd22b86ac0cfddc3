/**
 * Where one commit's folders are, derived from two facts only: the app's workspace-relative path
 * and the job id. A commit journal carries nothing else, so whatever a journal says, recovery can
 * only act on this workspace's output tree and its `.appgen/` folder. The folders are those
 * `shared/workspace-layout.ts` names; the commit's own folder (0700, beside the app, so the swap's
 * renames never cross a file system) holds `next/`, `ready/` and `previous/`.
 */
import { join } from 'node:path';
import {
  copyingFolderName,
  modelFolder,
  parseAppPath,
  stagingFolder,
  versionsFolder,
} from '../shared/workspace-layout';
import { DaemonError } from './daemon-error';
import { normaliseRelativePath, unsafePath } from './merger/safe-app-path';

const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Whether `id` can be a job id, and so name files and folders. */
export function isJobId(id: unknown): boolean {
  return typeof id === 'string' && JOB_ID.test(id);
}

export interface AppPlace {
  jobId: string;
  /** The app, workspace-relative (`<outputDir>/<slug>/app<N>`). */
  appPath: string;
  /** The folder holding the app, workspace-relative (`<outputDir>/<slug>`). */
  parentRel: string;
  /** The commit's own folder, workspace-relative. */
  containerRel: string;
  /** The app's kept versions, workspace-relative (`.appgen/versions/<slug>/app<N>`). */
  versionsRel: string;
  /** Workspace-relative forms of `next`, `ready`, `previous` and `copying` below. */
  nextRel: string;
  readyRel: string;
  previousRel: string;
  copyingRel: string;
  /** Absolute paths of the above, and of the folders inside the commit's own folder. */
  app: string;
  container: string;
  /** The new app while it is being built. */
  next: string;
  /** The new app once built whole: only from here does recovery put it in place. */
  ready: string;
  /** The old app, moved aside when its kept version had to be copied to another file system. */
  previous: string;
  /** Where a copy of the old app across file systems is made before it gets its version name. */
  copying: string;
}

/** Checks both facts and derives the paths; throws `unsafe_path` (or `internal` for a bad job id). */
export function appPlace(workspace: string, appPath: string, jobId: string): AppPlace {
  if (!isJobId(jobId)) {
    throw new DaemonError(
      'internal',
      `The job id ${JSON.stringify(jobId.slice(0, 100))} cannot name a folder.`,
    );
  }
  if (normaliseRelativePath(appPath).join('/') !== appPath)
    throw unsafePath(appPath, 'is not in normal form');
  const parts = parseAppPath(appPath);
  if (!parts) throw unsafePath(appPath, 'is not an app folder (<output folder>/<model>/app<N>)');
  const containerRel = stagingFolder(parts.outputDir, parts.modelSlug, jobId);
  const versionsRel = versionsFolder(parts.modelSlug, parts.appNum);
  const inContainer = (name: string) => `${containerRel}/${name}`;
  const place = {
    jobId,
    appPath,
    parentRel: modelFolder(parts.outputDir, parts.modelSlug),
    containerRel,
    versionsRel,
    nextRel: inContainer('next'),
    readyRel: inContainer('ready'),
    previousRel: inContainer('previous'),
    copyingRel: `${versionsRel}/${copyingFolderName(jobId)}`,
  };
  return {
    ...place,
    app: absolute(workspace, appPath),
    container: absolute(workspace, containerRel),
    next: absolute(workspace, place.nextRel),
    ready: absolute(workspace, place.readyRel),
    previous: absolute(workspace, place.previousRel),
    copying: absolute(workspace, place.copyingRel),
  };
}

function absolute(workspace: string, rel: string): string {
  return join(workspace, ...rel.split('/'));
}
