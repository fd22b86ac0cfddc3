/**
 * What the daemon keeps for itself (history, artifacts, reports, checks, versions, commit journals
 * and staging folders) holds prompts and model answers, so it is created readable by the user only.
 * Files are opened without following a link in their last segment: a link planted where the daemon
 * writes fails the write (ELOOP) instead of sending it elsewhere. The folders on the way are
 * checked by `workspace-folder.ts`.
 */
import { closeSync, constants, promises as fs, openSync, readFileSync, writeFileSync } from 'node:fs';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_FOLDER_MODE = 0o700;

// Windows has no O_NOFOLLOW (undefined there); its links need privileges a workspace cannot grant.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/** Flags that create or truncate a file for writing, refusing a link as its last segment. */
export const WRITE_NO_FOLLOW = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | NO_FOLLOW;

/** Flags that read a file, refusing a link as its last segment. */
export const READ_NO_FOLLOW = constants.O_RDONLY | NO_FOLLOW;

/** Flags that create or append to a file, refusing a link as its last segment and never waiting on a pipe. */
export const APPEND_NO_FOLLOW =
  constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | NO_FOLLOW | (constants.O_NONBLOCK ?? 0);

/** Writes a file readable by the user only (a new one; an existing file keeps its mode). */
export function writePrivateFileSync(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, WRITE_NO_FOLLOW, PRIVATE_FILE_MODE);
  try {
    writeFileSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

/** Reads a text file, refusing (ELOOP) a link as its last segment. */
export function readFileNoFollowSync(path: string): string {
  const fd = openSync(path, READ_NO_FOLLOW);
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** `readFileNoFollowSync`, asynchronously. */
export async function readFileNoFollow(path: string): Promise<string> {
  const handle = await fs.open(path, READ_NO_FOLLOW);
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** `writePrivateFileSync`, flushed to disk before it resolves. */
export async function writePrivateFileDurably(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.open(path, WRITE_NO_FOLLOW, PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
