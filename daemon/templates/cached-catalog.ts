/**
 * A catalog read from a workspace folder (templates, prompt overrides), read again only when that
 * folder changed: every job start looks up its template and prompts, and reading and validating
 * every file each time was most of the daemon's CPU in a large batch. Whether it changed is asked
 * of the folder at each use (its names, and each file's size and times), so a file saved a moment
 * before a job starts is what that job uses.
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export function cachedCatalog<T>(load: () => Promise<T>, fingerprint: () => Promise<string>) {
  let cached: { key: string; value: Promise<T> } | undefined;
  return async (): Promise<T> => {
    const key = await fingerprint();
    if (cached?.key !== key) {
      const value = load();
      cached = { key, value };
      // A failed read is not kept: the next caller tries again.
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
}

/**
 * What changes when a file in `dir` is added, removed, renamed or written (through a link too):
 * the folder's own kind and identity, and each entry's name, size, inode and change times, to the
 * nanosecond. A folder that cannot be read gives the reason, so it is read again once it can be.
 */
export async function folderFingerprint(dir: string): Promise<string> {
  let names: string[];
  try {
    const self = await lstat(dir, { bigint: true });
    names = (await readdir(dir)).sort();
    const entries = await Promise.all(
      names.map(async (name) => {
        try {
          const file = await stat(join(dir, name), { bigint: true });
          return `${name}\0${file.size}\0${file.ino}\0${file.mtimeNs}\0${file.ctimeNs}`;
        } catch (error) {
          return `${name}\0${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`;
        }
      }),
    );
    return [`${self.isSymbolicLink()}\0${self.ino}\0${self.mtimeNs}`, ...entries].join('\n');
  } catch (error) {
    return `unreadable\0${(error as NodeJS.ErrnoException).code ?? String(error)}`;
  }
}
