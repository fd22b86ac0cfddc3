/**
 * The temporary folder a checked app runs in, so that the app folder itself is only ever read:
 *
 *   <temp>/backend/   a copy of the app's backend (the app's working folder)
 *   <temp>/home/      HOME          <temp>/tmp/   TMPDIR
 *   <temp>/guard/     sitecustomize.py (see sandbox-guard.ts), on PYTHONPATH
 *   <temp>/relay.sock the relay's Unix socket, in a network namespace
 *   <temp>/out.sock, <temp>/err.sock  the app's stdout and stderr, when a fork server starts it
 *
 * The copy takes regular files and folders only: a symbolic link is left out, so nothing outside
 * the app is copied in through one; virtual environments, caches and node_modules are left out too,
 * and a backend over the size limits is refused rather than copied in part.
 */
import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GUARD_FILE_NAME, GUARD_SOURCE } from './sandbox-guard';

export interface SandboxFolder {
  root: string;
  backend: string;
  home: string;
  tmp: string;
  guard: string;
  relaySocket: string;
  stdoutSocket: string;
  stderrSocket: string;
}

export interface CopyLimits {
  maxFiles: number;
  maxBytes: number;
}

export const DEFAULT_COPY_LIMITS: CopyLimits = { maxFiles: 2_000, maxBytes: 64 * 1024 * 1024 };

/** Folders a backend may hold that the app does not need to run here. */
const LEFT_OUT = new Set(['__pycache__', '.venv', 'venv', 'env', 'node_modules', '.git', '.mypy_cache']);

/** A Unix socket's path must fit in sockaddr_un (108 bytes on Linux, 104 elsewhere). */
export const MAX_SOCKET_PATH_BYTES = 100;

export class SandboxCopyError extends Error {}

/** Creates the folder under `tempRoot` and copies `backendDir` into it. */
export async function makeSandboxFolder(
  tempRoot: string,
  backendDir: string,
  limits: CopyLimits = DEFAULT_COPY_LIMITS,
): Promise<SandboxFolder> {
  const root = await mkdtemp(join(tempRoot, 'appgen-smoke-'));
  const folder: SandboxFolder = {
    root,
    backend: join(root, 'backend'),
    home: join(root, 'home'),
    tmp: join(root, 'tmp'),
    guard: join(root, 'guard'),
    relaySocket: join(root, 'relay.sock'),
    stdoutSocket: join(root, 'out.sock'),
    stderrSocket: join(root, 'err.sock'),
  };
  try {
    await Promise.all([mkdir(folder.home), mkdir(folder.tmp), mkdir(folder.guard)]);
    await writeFile(join(folder.guard, GUARD_FILE_NAME), GUARD_SOURCE);
    await copyTree(backendDir, folder.backend, limits, { files: 0, bytes: 0 });
    return folder;
  } catch (error) {
    await removeSandboxFolder(folder);
    throw error;
  }
}

async function copyTree(
  from: string,
  to: string,
  limits: CopyLimits,
  count: { files: number; bytes: number },
): Promise<void> {
  await mkdir(to);
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) {
      if (!LEFT_OUT.has(entry.name)) await copyTree(source, join(to, entry.name), limits, count);
    } else if (entry.isFile()) {
      const { size } = await lstat(source);
      count.files += 1;
      count.bytes += size;
      if (count.files > limits.maxFiles || count.bytes > limits.maxBytes) {
        throw new SandboxCopyError(
          `the backend is larger than a smoke check copies (${limits.maxFiles} files, ` +
            `${limits.maxBytes / 1024 / 1024} MB; at ${source})`,
        );
      }
      await copyFile(source, join(to, entry.name), constants.COPYFILE_EXCL);
    }
  }
}

/** Removes the folder; a second try covers a file a dying process wrote meanwhile. */
export async function removeSandboxFolder(folder: Pick<SandboxFolder, 'root'>): Promise<void> {
  await rm(folder.root, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
}
