/**
 * Replaces one of AppGen's own files in a committed app (the manifest) without a commit: the new
 * text is written next to it and renamed over it, so a reader (a smoke check copying the app, an
 * editor) sees the old file or the new one, never half of one. Under the app's lock, like a commit.
 *
 * Links: every folder from the workspace to the app must be a real folder, and the file a regular
 * file (or absent); otherwise nothing is written (see `workspace-folder.ts`).
 */
import { promises as fs } from 'node:fs';
import { join, posix } from 'node:path';
import { READ_NO_FOLLOW } from './private-file';
import { existingFolders, lstatOrUndefined } from './workspace-folder';

/**
 * Reads `<appPath>/<name>` and writes what `update` makes of it; `update` returning undefined
 * leaves the file as it is. Resolves whether the file was written; an app that is gone, or a link
 * where a folder or the file belongs, writes nothing.
 */
export async function updateAppFile(
  workspace: string,
  appPath: string,
  name: string,
  update: (current: string | undefined) => string | undefined,
): Promise<boolean> {
  if (existingFolders(workspace, appPath) !== appPath.split('/').length) return false;
  const target = join(workspace, ...posix.join(appPath, name).split('/'));
  const stats = lstatOrUndefined(target);
  if (stats && !stats.isFile()) return false;
  const next = update(stats ? await readNoFollow(target) : undefined);
  if (next === undefined) return false;
  // A name of its own per write, made exclusively: nothing planted there is written through.
  const temporary = `${target}.${process.pid}-${Date.now().toString(36)}.tmp`;
  try {
    await fs.writeFile(temporary, next, { flag: 'wx' });
    await fs.rename(temporary, target);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
  return true;
}

async function readNoFollow(path: string): Promise<string> {
  const handle = await fs.open(path, READ_NO_FOLLOW);
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
