/**
 * Finds the version of an app that a job replaced. The app store keeps a replaced app under
 * `.appgen/versions/<model_slug>/app<N>/<stamp>-<jobId>/`; a job found committed after a crash (see
 * commit-record.ts) learns from here where the version it replaced went.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAppPath, parseVersionFolderName, versionsFolder } from '../shared/workspace-layout';

/** Workspace-relative folder of the version job `jobId` replaced in the app at `appPath`, if any. */
export function replacedVersionOf(workspace: string, appPath: string, jobId: string): string | undefined {
  const app = parseAppPath(appPath);
  if (!app) return undefined;
  const folder = versionsFolder(app.modelSlug, app.appNum);
  let names: string[];
  try {
    names = readdirSync(join(workspace, ...folder.split('/')));
  } catch {
    return undefined;
  }
  // A version still being copied has another name (`.copying-<jobId>`), and is not a kept one.
  const name = names.find((entry) => parseVersionFolderName(entry)?.jobId === jobId);
  return name === undefined ? undefined : `${folder}/${name}`;
}
