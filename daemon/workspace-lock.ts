/**
 * One writer per workspace. The first daemon creates `.appgen/daemon.lock` (exclusively) naming its
 * pid and the local socket it serves; a later daemon or CLI finds it and talks to that daemon instead
 * of opening the stores itself. A lock whose process is gone is stale and taken over; so is one whose
 * pid lives but serves no socket (see owner-or-relay.ts), through `takeOver`.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE_NAME } from '../shared/workspace-layout';

export interface LockInfo {
  pid: number;
  /** Socket (or named pipe) where the owner serves JSON-RPC. */
  socket: string;
  startedAt: string;
}

export type LockOutcome =
  | { kind: 'owner'; release: () => Promise<void> }
  | {
      kind: 'taken';
      holder: LockInfo;
      /** Removes this lock, unless it has changed since: for a holder found not to be a daemon. */
      takeOver: () => Promise<void>;
    };

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

/** How long an unreadable lock (or takeover guard) may be a writer's work in progress. */
const FILL_GRACE_MS = 2000;

/**
 * Takes the lock, or reports who holds it. A lock naming a dead process, or this pid (left by an
 * earlier process that had it), or unreadable for longer than a writer needs to fill it, is stale:
 * it is removed and taken over.
 */
export async function acquireWorkspaceLock(
  stateDir: string,
  info: LockInfo,
  isAlive: (pid: number) => boolean = processAlive,
): Promise<LockOutcome> {
  const file = join(stateDir, LOCK_FILE_NAME);
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await createLock(file, info)) {
      return {
        kind: 'owner',
        release: async () => {
          const current = parseLock(await readRaw(file));
          if (current?.pid === info.pid && current.startedAt === info.startedAt) {
            await fs.rm(file, { force: true });
          }
        },
      };
    }
    const raw = await readRaw(file);
    if (raw === undefined) continue; // removed meanwhile: try again
    const holder = parseLock(raw);
    if (holder && holder.pid !== info.pid && isAlive(holder.pid)) {
      return { kind: 'taken', holder, takeOver: () => removeIfUnchanged(file, raw) };
    }
    if (!holder && (await youngerThan(file, FILL_GRACE_MS))) {
      // Another process may be between creating the file and writing it: give it a moment.
      await delay(50);
      continue;
    }
    await removeIfUnchanged(file, raw);
  }
  throw new Error(`could not take the workspace lock ${file}`);
}

/** Creates the lock file if there is none; false when one exists. */
async function createLock(file: string, info: LockInfo): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(info));
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Removes a stale lock, unless it has changed since it was judged stale. Two processes may judge the
 * same lock stale; without the guard, the slower one could remove the lock the faster one has just
 * created, and both would own the workspace. One takeover at a time, under an exclusive guard file;
 * a caller that finds the guard taken returns without removing anything and looks again.
 */
async function removeIfUnchanged(file: string, judged: string): Promise<void> {
  const guard = `${file}.takeover`;
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(guard, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process is taking over; a guard left behind by one that died is cleared when old.
    if (await youngerThan(guard, FILL_GRACE_MS)) await delay(20);
    else await fs.rm(guard, { force: true });
    return;
  }
  try {
    await handle.close();
    if ((await readRaw(file)) === judged) await fs.rm(file, { force: true });
  } finally {
    await fs.rm(guard, { force: true });
  }
}

async function readRaw(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

function parseLock(raw: string | undefined): LockInfo | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(raw) as LockInfo;
    return typeof parsed.pid === 'number' && typeof parsed.socket === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

async function youngerThan(file: string, ms: number): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => undefined);
  return stat !== undefined && Date.now() - stat.mtimeMs < ms;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
