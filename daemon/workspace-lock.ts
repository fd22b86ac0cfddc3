/**
 * One writer per workspace. The first daemon creates `.appgen/daemon.lock` (exclusively) naming its
 * pid and the local socket it serves; a later daemon or CLI finds it and talks to that daemon instead
 * of opening the stores itself. A lock whose process is gone is stale and taken over.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LockInfo {
  pid: number;
  /** Socket (or named pipe) where the owner serves JSON-RPC. */
  socket: string;
  startedAt: string;
}

export type LockOutcome =
  | { kind: 'owner'; release: () => Promise<void> }
  | { kind: 'taken'; holder: LockInfo };

export const LOCK_FILE = 'daemon.lock';

/** A socket path short enough for every platform's limit, derived from the workspace path. */
export function socketPathFor(workspace: string, platform = process.platform): string {
  const hash = createHash('sha256').update(workspace).digest('hex').slice(0, 16);
  return platform === 'win32' ? `\\\\.\\pipe\\appgen-${hash}` : join(tmpdir(), `appgen-${hash}.sock`);
}

/** Whether a process with this pid exists (EPERM means it exists but is not ours). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock, or reports who holds it. A lock naming a dead process (or unreadable for longer
 * than a writer needs to fill it) is removed and taken over.
 */
export async function acquireWorkspaceLock(
  stateDir: string,
  info: LockInfo,
  isAlive: (pid: number) => boolean = processAlive,
): Promise<LockOutcome> {
  const file = join(stateDir, LOCK_FILE);
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const handle = await fs.open(file, 'wx');
      try {
        await handle.writeFile(JSON.stringify(info));
        await handle.sync();
      } finally {
        await handle.close();
      }
      return {
        kind: 'owner',
        release: async () => {
          const current = await readLock(file);
          if (current?.pid === info.pid) await fs.rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readLock(file);
    if (holder && holder.pid !== info.pid && isAlive(holder.pid)) return { kind: 'taken', holder };
    if (!holder) {
      // Another process may be between creating the file and writing it: give it a moment.
      const stat = await fs.stat(file).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs < 2000) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
    }
    await fs.rm(file, { force: true });
  }
  throw new Error(`could not take the workspace lock ${file}`);
}

async function readLock(file: string): Promise<LockInfo | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as LockInfo;
    return typeof parsed.pid === 'number' && typeof parsed.socket === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
