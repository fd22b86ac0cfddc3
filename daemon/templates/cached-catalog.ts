/**
 * A catalog read from a workspace folder (templates, prompt overrides), read again only when that
 * folder changed: every job start looks up its template and prompts, and reading and validating
 * every file each time was most of the daemon's CPU in a large batch. Whether it changed is asked
 * of the folder (its names, and each file's size and times) once per client request and at least
 * once a second: a file saved a moment before a request is what that request uses, while the
 * 100,000 lookups of one large `batch/start` ask the folder only a few times.
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface CatalogFreshness {
  /** Changes with each client request: the first lookup after one asks the folder again. */
  epoch: () => number;
  now?: () => number;
  /** How long a look at the folder counts, for lookups no request caused (a queued job starting). */
  maxAgeMs?: number;
}

export const CATALOG_MAX_AGE_MS = 1000;

export function cachedCatalog<T>(
  load: () => Promise<T>,
  fingerprint: () => Promise<string>,
  { epoch, now = Date.now, maxAgeMs = CATALOG_MAX_AGE_MS }: CatalogFreshness,
) {
  let cached: { key: string; value: Promise<T> } | undefined;
  let looked: { epoch: number; at: number; key: Promise<string> } | undefined;
  const currentKey = (): Promise<string> => {
    if (!looked || looked.epoch !== epoch() || now() - looked.at >= maxAgeMs) {
      looked = { epoch: epoch(), at: now(), key: fingerprint() };
    }
    return looked.key;
  };
  return async (): Promise<T> => {
    const key = await currentKey();
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
