/**
 * Reads a file that the workspace or a request names, safely: only a regular file, at most a given
 * size. A named pipe would block the read for ever, `/dev/zero` would fill the memory, and a huge
 * file would take it; each is refused with the reason instead.
 */
import { constants } from 'node:fs';
import { type FileHandle, open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';

/** A file that exists but is not one to read; `reason` says why, without the path. */
export class FileRefusedError extends Error {
  override readonly name = 'FileRefusedError';
}

/** With `noFollow`: a symbolic link where the file should be, whatever it points to. */
export class LinkRefusedError extends FileRefusedError {
  constructor() {
    super('is a symbolic link');
  }
}

export interface ReadRegularFileOptions {
  maxBytes: number;
  /**
   * When set, the file (after following links) must lie inside this folder: a link to a regular
   * file inside it is read, a link that leads out of it is refused.
   */
  within?: string;
  /** A link as the last segment is refused (LinkRefusedError) instead of followed. */
  noFollow?: boolean;
}

// Opening a named pipe for reading waits for a writer, on a thread of libuv's small pool, unless
// the open does not block. Windows has no O_NONBLOCK and no named pipes in the file system.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
// Windows has no O_NOFOLLOW; its links need privileges a workspace cannot grant.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * The bytes of a regular file of at most `maxBytes`. Throws FileRefusedError for anything else, and
 * the file system's error (ENOENT, EACCES) when the file cannot be opened at all.
 */
export async function readRegularFile(path: string, options: ReadRegularFileOptions): Promise<Buffer> {
  if (options.within !== undefined) await checkWithin(path, options.within);
  let handle: FileHandle;
  try {
    handle = await open(path, options.noFollow ? OPEN_FLAGS | NO_FOLLOW : OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A Unix socket cannot be opened as a file.
    if (code === 'ENXIO') throw new FileRefusedError('is a socket, not a file');
    // What O_NOFOLLOW answers for a link (EMLINK on FreeBSD).
    if (options.noFollow && (code === 'ELOOP' || code === 'EMLINK')) throw new LinkRefusedError();
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new FileRefusedError(kindOfNonFile(stats));
    if (stats.size > options.maxBytes) throw tooLarge(stats.size, options.maxBytes);
    // One byte more than the size, to see a file that grew after the stat. Not zero-filled: only the
    // bytes read are returned, and filling a large history first would touch its memory twice.
    let buffer = Buffer.allocUnsafeSlow(stats.size + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) return buffer.subarray(0, length);
      length += bytesRead;
      if (length > options.maxBytes) throw tooLarge(length, options.maxBytes);
      if (length === buffer.length) {
        const larger = Buffer.allocUnsafeSlow(Math.min(buffer.length * 2, options.maxBytes + 1));
        buffer.copy(larger, 0, 0, length);
        buffer = larger;
      }
    }
  } finally {
    await handle.close();
  }
}

/** The text of a regular file (UTF-8), with the same checks. */
export async function readRegularText(path: string, options: ReadRegularFileOptions): Promise<string> {
  return (await readRegularFile(path, options)).toString('utf8');
}

async function checkWithin(path: string, folder: string): Promise<void> {
  const [target, root] = await Promise.all([realpath(path), realpath(folder)]);
  const rel = relative(root, target);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new FileRefusedError(`is a link to ${target}, outside the workspace`);
  }
}

function kindOfNonFile(stats: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (stats.isDirectory()) return 'is a folder, not a file';
  if (stats.isFIFO()) return 'is a named pipe (FIFO), not a regular file';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'is a device, not a regular file';
  if (stats.isSocket()) return 'is a socket, not a file';
  return 'is not a regular file';
}

function tooLarge(size: number, maxBytes: number): FileRefusedError {
  return new FileRefusedError(`is larger than the ${formatBytes(maxBytes)} allowed (${size} bytes)`);
}

function formatBytes(bytes: number): string {
  const mb = 1024 * 1024;
  return bytes >= mb && bytes % mb === 0 ? `${bytes / mb} MB` : `${bytes} bytes`;
}
