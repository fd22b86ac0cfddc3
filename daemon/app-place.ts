/**
 * Where one commit's folders are, derived from two facts only: the app's workspace-relative path
 * and the job id. A commit journal carries nothing else, so whatever a journal says, recovery can
 * only act on this workspace's output tree and its `.appgen/` folder.
 *
 * ```
 * <outputDir>/<slug>/app<N>/                       the app
 * <outputDir>/<slug>/.appgen-staging-<jobId>/      the commit's own folder (0700), next to the app
 *   next/  ready/  previous/                       so the swap's renames never cross a file system
 * .appgen/versions/<slug>/app<N>/<stamp>-<jobId>/  the replaced version
 * .appgen/versions/<slug>/app<N>/.copying-<jobId>/ that version while copied across file systems
 * ```
 */
import { join } from 'node:path';
import { DaemonError } from './daemon-error';
import { normaliseRelativePath, unsafePath } from './merger/safe-app-path';

/** Names of commit folders start so; listing apps looks for `app<N>` and never sees them. */
export const STAGING_PREFIX = '.appgen-staging-';

const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const APP_FOLDER = /^app[1-9][0-9]{0,8}$/;

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
export function appPlace(workspace: string, stateRel: string, appPath: string, jobId: string): AppPlace {
  if (!JOB_ID.test(jobId)) {
    throw new DaemonError(
      'internal',
      `The job id ${JSON.stringify(jobId.slice(0, 100))} cannot name a folder.`,
    );
  }
  const segments = normaliseRelativePath(appPath);
  if (segments.join('/') !== appPath) throw unsafePath(appPath, 'is not in normal form');
  if (segments.length < 3 || !APP_FOLDER.test(segments.at(-1)!)) {
    throw unsafePath(appPath, 'is not an app folder (<output folder>/<model>/app<N>)');
  }
  const parentRel = segments.slice(0, -1).join('/');
  const containerRel = `${parentRel}/${STAGING_PREFIX}${jobId}`;
  const versionsRel = `${stateRel}/versions/${segments.slice(-2).join('/')}`;
  const container = absolute(workspace, containerRel);
  return {
    jobId,
    appPath,
    parentRel,
    containerRel,
    versionsRel,
    app: absolute(workspace, appPath),
    container,
    next: join(container, 'next'),
    ready: join(container, 'ready'),
    previous: join(container, 'previous'),
    copying: join(absolute(workspace, versionsRel), `.copying-${jobId}`),
  };
}

function absolute(workspace: string, rel: string): string {
  return join(workspace, ...rel.split('/'));
}
