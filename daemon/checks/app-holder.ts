/**
 * Which job's commit an app folder holds, as its manifest says: a check asked for an older job of
 * the same app would check code that job did not write.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest } from '../../shared/app-manifest';
import { APP_MANIFEST_FILE } from '../../shared/workspace-layout';

/** A manifest is a few hundred bytes; anything far larger was not written by AppGen. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * The `jobId` of the manifest in `appPath` (workspace-relative), or undefined when there is no
 * readable manifest (an app from before manifests, a damaged or planted file): then nothing is
 * known against checking it.
 */
export function appHolder(workspace: string, appPath: string): string | undefined {
  let fd: number | undefined;
  try {
    // Not through a link, and never blocking on a pipe planted under the name.
    fd = openSync(
      join(workspace, ...appPath.split('/'), APP_MANIFEST_FILE),
      constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
    );
    const file = fstatSync(fd);
    if (!file.isFile() || file.size > MAX_MANIFEST_BYTES) return undefined;
    return readManifest(readFileSync(fd, 'utf8'))?.jobId;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
