import { lstatSync, realpathSync, type Stats } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { normaliseRelativePath, unsafePath } from './safe-app-path';

/**
 * Refuses (`unsafe_path`) to let a write at `rel` under `root` go through a symbolic link: every
 * segment of `rel` that exists is checked with lstat, so a link (or a Windows junction) anywhere on
 * the way, the file itself included, is refused; then the real path of the deepest existing segment
 * must still lie inside the real root. `rel` is checked as a relative path first. Meant for a
 * folder the caller owns (a staging copy of the app), where nothing else changes links meanwhile.
 * Synchronous: a few lstat calls on a folder the daemon just wrote cost microseconds, far less than
 * as many round trips through the thread pool, which sat on every commit's critical path.
 */
export function assertNoSymlinkEscape(root: string, rel: string): void {
  const segments = normaliseRelativePath(rel);
  let deepest = root;
  for (const [index, segment] of segments.entries()) {
    const path = join(deepest, segment);
    let stats: Stats;
    try {
      stats = lstatSync(path);
    } catch (error) {
      if (isMissing(error)) break;
      throw error;
    }
    if (stats.isSymbolicLink()) {
      throw unsafePath(rel, `goes through the symbolic link "${segments.slice(0, index + 1).join('/')}"`);
    }
    deepest = path;
    // A file part-way along the path: the write will fail on its own, nothing lies beyond it.
    if (!stats.isDirectory()) break;
  }
  const within = relative(realpathSync(root), realpathSync(deepest));
  if (within === '..' || within.startsWith(`..${sep}`) || isAbsolute(within)) {
    throw unsafePath(rel, 'resolves outside the app folder');
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
