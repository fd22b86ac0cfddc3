import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PRIVATE_FILE_MODE } from '../private-file';

/** The file operations an atomic write uses; tests replace them to simulate a crash midway. */
export interface AtomicWriteOps {
  open: typeof open;
  rename: typeof rename;
  unlink: typeof unlink;
}

const NODE_OPS: AtomicWriteOps = { open, rename, unlink };

/**
 * Replaces `file` with `data` so that a reader or a crash sees either the old or the new content:
 * write a temporary file in the same folder, flush it to disk, rename it over the target, then
 * flush the folder so the rename itself survives a power cut.
 */
export async function atomicWriteFile(
  file: string,
  data: Uint8Array,
  ops: AtomicWriteOps = NODE_OPS,
): Promise<void> {
  const dir = dirname(file);
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    // Readable by the user only: the history holds prompts and answers. 'wx' never follows a link.
    const handle = await ops.open(temp, 'wx', PRIVATE_FILE_MODE);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await ops.rename(temp, file);
  } catch (error) {
    await ops.unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir, ops);
}

async function syncDirectory(dir: string, ops: AtomicWriteOps): Promise<void> {
  // Windows cannot open or fsync a folder; the rename is as durable as the platform makes it.
  try {
    const handle = await ops.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not fatal: the data itself is already on disk.
  }
}

/**
 * Removes temporary files that a process killed in the middle of `atomicWriteFile` left beside
 * `file`. Only safe for the single writer of the file (the daemon holding the workspace lock).
 */
export async function removeStaleTempFiles(file: string): Promise<string[]> {
  const dir = dirname(file);
  const prefix = `.${basename(file)}.`;
  const names = (await readdir(dir).catch(() => [] as string[])).filter(
    (name) => name.startsWith(prefix) && name.endsWith('.tmp'),
  );
  await Promise.all(names.map((name) => rm(join(dir, name), { force: true })));
  return names;
}
