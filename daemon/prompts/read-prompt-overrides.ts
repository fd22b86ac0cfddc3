/**
 * Reads the workspace's prompt overrides (`.appgen/prompts/<name>`). They are regular files only:
 * a link, a folder, a named pipe or a device is refused without being opened through, and so is a
 * file over the size cap or not UTF-8. Every problem names the file.
 */
import { constants, promises as nodeFs } from 'node:fs';
import { join } from 'node:path';
import { PROMPTS_FOLDER, promptOverrideFile } from '../../shared/workspace-layout';
import type { PromptFileProblem } from './prompt-file-error';
import { isPromptFileName, MAX_PROMPT_FILE_BYTES, PROMPT_FILE_NAMES } from './prompt-files';
import type { PromptSource } from './prompt-set';

// Windows has no O_NOFOLLOW; O_NONBLOCK keeps a named pipe from holding the open until a writer comes.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

export interface OverrideReadResult {
  sources: PromptSource[];
  problems: PromptFileProblem[];
}

/** The overrides of `workspaceDir`, or what is wrong with them; no folder means none. */
export async function readPromptOverrides(
  workspaceDir: string,
  fs: typeof nodeFs = nodeFs,
): Promise<OverrideReadResult> {
  const dir = join(workspaceDir, PROMPTS_FOLDER);
  const problems: PromptFileProblem[] = [];
  try {
    const stat = await fs.lstat(dir);
    if (stat.isSymbolicLink()) {
      return fail(PROMPTS_FOLDER, 'is a link; prompt overrides are read from a real folder only');
    }
    if (!stat.isDirectory()) return fail(PROMPTS_FOLDER, 'is not a folder');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return { sources: [], problems };
    return fail(PROMPTS_FOLDER, `cannot be read: ${messageOf(error)}`);
  }
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    return fail(PROMPTS_FOLDER, `cannot be listed: ${messageOf(error)}`);
  }
  // A misspelt name would otherwise be ignored, and the shipped prompt sent in its place.
  for (const name of names.filter((n) => n.endsWith('.hbs') && !isPromptFileName(n)).sort()) {
    problems.push({
      file: promptOverrideFile(name),
      message: `is not a prompt file name; the names are ${PROMPT_FILE_NAMES.join(', ')}`,
    });
  }
  const sources: PromptSource[] = [];
  for (const name of PROMPT_FILE_NAMES) {
    if (!names.includes(name)) continue;
    const file = promptOverrideFile(name);
    const read = await readRegularFile(fs, join(dir, name));
    if (typeof read === 'string') sources.push({ name, text: read, file, overridden: true });
    else if (read.problem !== undefined) problems.push({ file, message: read.problem });
  }
  return { sources, problems };

  function fail(file: string, message: string): OverrideReadResult {
    return { sources: [], problems: [{ file, message }] };
  }
}

/** The file's text, `{}` when it vanished meanwhile, or why it cannot be used. */
async function readRegularFile(fs: typeof nodeFs, path: string): Promise<string | { problem?: string }> {
  let handle: nodeFs.FileHandle;
  try {
    handle = await fs.open(path, OPEN_FLAGS);
  } catch (error) {
    const code = codeOf(error);
    if (code === 'ENOENT') return {};
    if (code === 'ELOOP') return { problem: 'is a link; prompt overrides are read as regular files only' };
    return { problem: `cannot be read: ${messageOf(error)}` };
  }
  try {
    const stat = await handle.stat();
    // Checked on the open file itself, so what is read is what was checked.
    if (stat.isSymbolicLink())
      return { problem: 'is a link; prompt overrides are read as regular files only' };
    if (!stat.isFile()) return { problem: 'is not a regular file' };
    if (stat.size > MAX_PROMPT_FILE_BYTES) return tooLarge();
    const buffer = Buffer.alloc(MAX_PROMPT_FILE_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > MAX_PROMPT_FILE_BYTES) return tooLarge(); // it grew since stat
    try {
      // A byte order mark, which some editors write, is dropped by the decoder.
      return new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length));
    } catch {
      return { problem: 'is not UTF-8 text' };
    }
  } catch (error) {
    return { problem: `cannot be read: ${messageOf(error)}` };
  } finally {
    await handle.close();
  }
}

function tooLarge(): { problem: string } {
  return { problem: `is larger than ${MAX_PROMPT_FILE_BYTES / 1024} KB, the most a prompt file may be` };
}

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
