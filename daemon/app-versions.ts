/**
 * Finds the version of an app that a job replaced. The app store keeps a replaced app under
 * `.appgen/versions/<model_slug>/app<N>/<stamp>-<jobId>/`; a job found committed after a crash (see
 * commit-record.ts) learns from here where the version it replaced went.
 */
import { readdirSync } from 'node:fs';
import { join, posix } from 'node:path';

/** Workspace-relative folder of the version job `jobId` replaced in the app at `appPath`, if any. */
export function replacedVersionOf(workspace: string, appPath: string, jobId: string): string | undefined {
  // generated/apps/<slug>/app<N> -> <slug>/app<N>, whatever the output folder is.
  const key = appPath.split('/').slice(-2).join('/');
  const folder = posix.join('.appgen', 'versions', key);
  let names: string[];
  try {
    names = readdirSync(join(workspace, ...folder.split('/')));
  } catch {
    return undefined;
  }
  // A name starting with a dot is a version still being copied, not a kept one.
  const name = names.find((entry) => !entry.startsWith('.') && entry.endsWith(`-${jobId}`));
  return name === undefined ? undefined : posix.join(folder, name);
}
