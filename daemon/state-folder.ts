/**
 * `.appgen/`, where the daemon keeps the history, artifacts, reports, versions and commit
 * journals. It must be a real folder (a link there would send all of them elsewhere), and it is
 * readable by the user only, since what it holds is prompts and answers.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { STATE_FOLDER } from '../shared/workspace-layout';
import { PRIVATE_FOLDER_MODE } from './private-file';
import { ensureWorkspaceFolder } from './workspace-folder';

/**
 * Makes the workspace's state folder, or checks the one there; returns its absolute path. One
 * made by an older version, or by hand, loses its group and other permissions. Throws
 * `unsafe_path` when it is a link.
 */
export function prepareStateFolder(workspace: string): string {
  mkdirSync(workspace, { recursive: true });
  const folder = ensureWorkspaceFolder(workspace, STATE_FOLDER, { mode: PRIVATE_FOLDER_MODE });
  const mode = statSync(folder).mode & 0o777;
  if ((mode & 0o077) !== 0) chmodSync(folder, mode & PRIVATE_FOLDER_MODE);
  return folder;
}
