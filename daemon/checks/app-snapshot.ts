/**
 * The files of an app a static check reads, taken into memory at once (under the app's lock, so a
 * commit never swaps the app halfway through), so that every part of the check sees the same app
 * and no process of the check ever opens a file of it. Below the workspace no link is followed:
 * a link on the way to the app refuses the check (`unsafe_path`), a link inside it is left out.
 */
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { readFileNoFollowSync } from '../private-file';
import { existingFolders } from '../workspace-folder';

export interface AppSnapshot {
  /** App-relative path -> text. */
  files: Map<string, string>;
  /** Files of interest that were not read, and why. */
  leftOut: { file: string; reason: string }[];
}

/** Python and JavaScript sources of the two components, and what says which packages they may import. */
const WANTED =
  /^(?:backend\/.*\.py|frontend\/.*\.(?:[cm]?js|jsx|ts|tsx)|backend\/requirements\.txt|frontend\/package\.json|frontend\/index\.html)$/;
// Installed packages, caches and build output: not the app's own code.
const SKIPPED_FOLDERS = new Set([
  'node_modules',
  '__pycache__',
  '.git',
  'dist',
  'build',
  '.venv',
  'venv',
  '.pytest_cache',
  '.mypy_cache',
]);
const MAX_FILE_BYTES = 1 << 20;
const MAX_FILES = 2000;

/** The app's files, or undefined when the app folder is not there. */
export function readAppSnapshot(workspace: string, appPath: string): AppSnapshot | undefined {
  if (existingFolders(workspace, appPath) < appPath.split('/').length) return undefined;
  const root = join(workspace, ...appPath.split('/'));
  const snapshot: AppSnapshot = { files: new Map(), leftOut: [] };
  let seen = 0;
  const walk = (rel: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(rel === '' ? root : join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = rel === '' ? entry.name : posix.join(rel, entry.name);
      if (entry.isDirectory()) {
        if (
          !SKIPPED_FOLDERS.has(entry.name) &&
          (rel !== '' || entry.name === 'backend' || entry.name === 'frontend')
        )
          walk(path);
        continue;
      }
      if (!WANTED.test(path)) continue;
      if (entry.isSymbolicLink()) {
        snapshot.leftOut.push({ file: path, reason: 'is a symbolic link, which AppGen never follows' });
        continue;
      }
      if (!entry.isFile()) continue;
      if (++seen > MAX_FILES) {
        snapshot.leftOut.push({ file: path, reason: `the app has more than ${MAX_FILES} source files` });
        continue;
      }
      read(snapshot, root, path);
    }
  };
  walk('');
  return snapshot;
}

function read(snapshot: AppSnapshot, root: string, path: string): void {
  const absolute = join(root, ...path.split('/'));
  try {
    if (statSync(absolute).size > MAX_FILE_BYTES) {
      snapshot.leftOut.push({ file: path, reason: `is larger than ${MAX_FILE_BYTES >> 20} MB` });
      return;
    }
    snapshot.files.set(path, readFileNoFollowSync(absolute));
  } catch (error) {
    snapshot.leftOut.push({
      file: path,
      reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    });
  }
}
