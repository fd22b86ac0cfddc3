/**
 * Folders below the workspace are reached without following symbolic links. The daemon writes,
 * moves and deletes only where every segment from the workspace down is a real folder, checked
 * with lstat; a link on the way, even one pointing back inside the workspace, is refused with
 * `unsafe_path` naming it, so nothing a workspace holds can send a write, move or delete elsewhere.
 * The workspace itself may be reached through a link: the user chose it. A mount is no link: to
 * keep apps on another disk, mount it at the output folder.
 */
import { lstatSync, mkdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { DaemonError } from './daemon-error';
import { unsafePath } from './merger/safe-app-path';

/** Makes a folder and its missing parents; tests replace it to simulate a read-only disk. */
export type MakeFolder = (path: string, options: { recursive?: boolean; mode?: number }) => unknown;

/**
 * How many leading segments of `rel` (workspace-relative, posix) exist, each a real folder. Throws
 * `unsafe_path` at the first link and `internal` at a segment that is a file.
 */
export function existingFolders(workspace: string, rel: string): number {
  const segments = rel.split('/');
  let path = workspace;
  for (const [index, segment] of segments.entries()) {
    path = join(path, segment);
    const stats = lstatOrUndefined(path);
    if (!stats) return index;
    const shown = segments.slice(0, index + 1).join('/');
    if (stats.isSymbolicLink()) throw linkRefused(rel, shown);
    if (!stats.isDirectory()) {
      throw new DaemonError('internal', `"${shown}" in the workspace is a file where a folder belongs`);
    }
  }
  return segments.length;
}

/**
 * The absolute path of folder `rel` under the workspace, made where missing (with `mode`, for
 * every folder it makes). Never through a link: see `existingFolders`.
 */
export function ensureWorkspaceFolder(
  workspace: string,
  rel: string,
  options: { mode?: number; mkdir?: MakeFolder } = {},
): string {
  const path = join(workspace, ...rel.split('/'));
  if (existingFolders(workspace, rel) < rel.split('/').length) {
    (options.mkdir ?? mkdirSync)(path, {
      recursive: true,
      ...(options.mode !== undefined ? { mode: options.mode } : {}),
    });
  }
  return path;
}

/** The `unsafe_path` error for a link at `link` on the way to `rel` (both workspace-relative). */
export function linkRefused(rel: string, link: string): DaemonError {
  return unsafePath(
    rel,
    rel === link
      ? 'is a symbolic link, and AppGen never follows a link below the workspace'
      : `goes through the symbolic link "${link}", and AppGen never follows a link below the workspace`,
  );
}

/** lstat, or undefined when nothing is there. */
export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}
