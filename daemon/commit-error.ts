/**
 * A file-system error met while committing an app, as the job reports it. A commit works in a
 * folder of its own whose path means nothing to the user, so a file is named by its path in the
 * app and a folder by its path in the workspace; no absolute path is shown. A name too long for
 * the file system is `unsafe_path` (the model or the model id chose it); a folder the daemon may
 * not write says it is read-only and names it.
 */
import { dirname, isAbsolute, relative, sep } from 'node:path';
import type { AppPlace } from './app-place';
import { asDaemonError, DaemonError } from './daemon-error';
import { unsafePath } from './merger/safe-app-path';

const READ_ONLY_CODES = new Set(['EROFS', 'EACCES', 'EPERM']);

export function commitError(error: unknown, place: AppPlace, workspace: string): DaemonError {
  if (error instanceof DaemonError) return error;
  const errno = error as NodeJS.ErrnoException | undefined;
  const code = errno?.code;
  if (typeof code !== 'string') return asDaemonError(error);
  const where = typeof errno?.path === 'string' ? locate(errno.path, place, workspace) : {};
  if (code === 'ENAMETOOLONG') {
    return unsafePath(
      where.file ?? place.appPath,
      'is too long for the file system here (a name may have 255 bytes, a whole path about 4096)',
    );
  }
  const cause = { cause: error };
  if (READ_ONLY_CODES.has(code)) {
    const folder = where.folder ?? place.parentRel;
    return new DaemonError(
      'internal',
      `Cannot write the app ${place.appPath}: the folder "${folder}" is read-only (${code}).`,
      {},
      cause,
    );
  }
  const at = where.file ? ` at "${where.file}"` : where.folder ? ` in "${where.folder}"` : '';
  return new DaemonError(
    'internal',
    `Cannot write the app ${place.appPath}: ${reasonOf(errno!)} (${code})${at}.`,
    {},
    cause,
  );
}

/** The app-relative file, or the workspace-relative folder, a failing path stands for. */
function locate(path: string, place: AppPlace, workspace: string): { file?: string; folder?: string } {
  for (const root of [place.next, place.ready, place.previous]) {
    const inApp = inside(root, path);
    if (inApp) return { file: inApp, folder: place.parentRel };
  }
  // The commit's own folder stands for the folder that holds the app.
  if (path === place.container || inside(place.container, path)) return { folder: place.parentRel };
  const parent = inside(workspace, dirname(path));
  return parent !== undefined ? { folder: parent || '.' } : {};
}

/** `path` relative to `root` with posix separators, '' for the root itself; undefined when outside. */
function inside(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** Node's description of the error without its paths ("ENOSPC: no space left on device, write '/x'"). */
function reasonOf(error: NodeJS.ErrnoException): string {
  const text = error.message.replace(/^[A-Z]+: /, '');
  const comma = text.indexOf(', ');
  return comma >= 0 ? text.slice(0, comma) : text;
}
