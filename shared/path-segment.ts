/**
 * The rules one file or folder name must meet to mean the same on every file system a workspace may
 * live on, named once for the paths a model writes (daemon/merger/safe-app-path.ts) and the folder
 * a model id becomes (model-slug.ts): a model whose folder would break one is refused before its
 * job is recorded or paid for, not failed at its commit. Pure.
 */
import { STATE_FOLDER } from './workspace-layout';

/** A name may have 255 bytes (ext4, APFS; NTFS counts UTF-16 units, which is never more). */
export const MAX_NAME_BYTES = 255;

/** Why a name is refused; each caller says it in its own words. */
export type SegmentProblem =
  | 'only_dots'
  | 'not_portable'
  | 'trailing_dot_or_space'
  | 'too_long'
  | 'reserved'
  | 'device_name';

// C0/C1 controls (NUL included) and the bidi overrides that make a name read differently than it is.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Whether a path or name holds a control character (checked on the whole path, before splitting). */
export function hasControlChars(text: string): boolean {
  return CONTROL_CHARS.test(text);
}

/** `text` with each control character written as `\uXXXX`, so that a message shows it safely. */
export function escapeControlChars(text: string): string {
  return text.replace(
    new RegExp(CONTROL_CHARS.source, 'g'),
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

// Characters Windows refuses in names; ':' also covers drive letters and NTFS alternate streams.
const NON_PORTABLE_CHARS = /[<>:"|?*]/;
// Only dots and spaces: Windows trims these, so '...' or '. .' can mean '..' there.
const DOTS_AND_SPACES = /^[. ]+$/;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// Folders that belong to version control and to the tool itself, never to generated code.
const RESERVED_NAMES = new Set(['.git', STATE_FOLDER]);

/**
 * What is wrong with `name` as one segment of a path, or undefined. `.` and `..` are the caller's
 * to handle first (a path may use `.`; `..` is refused with its own reason).
 */
export function segmentProblem(name: string): SegmentProblem | undefined {
  if (DOTS_AND_SPACES.test(name)) return 'only_dots';
  if (NON_PORTABLE_CHARS.test(name)) return 'not_portable';
  // Windows drops a trailing dot or space: `app.` and `app` would be one folder there.
  if (name.endsWith('.') || name.endsWith(' ')) return 'trailing_dot_or_space';
  if (new TextEncoder().encode(name).length > MAX_NAME_BYTES) return 'too_long';
  if (RESERVED_NAMES.has(name.toLowerCase())) return 'reserved';
  if (WINDOWS_DEVICE.test(name)) return 'device_name';
  return undefined;
}
