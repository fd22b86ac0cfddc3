/**
 * The output folder of generated apps, as a setting, an environment variable or a batch file gives
 * it. It must lie inside the workspace and outside `.appgen/` (AppGen's state, whose leftovers the
 * daemon removes at start-up) and `.git/`; the workspace itself holds `.appgen/`, so it is refused
 * too. One check and one message for every source.
 */

import { hasControlChars, type SegmentProblem, segmentProblem } from '../shared/path-segment';
import { STATE_FOLDER } from '../shared/workspace-layout';

/** `problem` follows the name of the setting: `APPGEN_OUTPUT_DIR must be a folder ...`. */
export type OutputDirResult = { ok: true; dir: string } | { ok: false; problem: string };

// Compared case-insensitively and without trailing dots or spaces, as Windows and macOS file
// systems compare names: `.APPGEN` and `.git.` are the same folders there.
const RESERVED: Record<string, string> = {
  [STATE_FOLDER]: `is inside ${STATE_FOLDER}/, which AppGen cleans at start-up`,
  '.git': "is inside .git/, Git's own folder",
};

const SEGMENT_REASONS: Record<SegmentProblem, (segment: string) => string> = {
  only_dots: () => 'leaves the workspace',
  not_portable: () => 'contains a character not allowed in file names',
  trailing_dot_or_space: (segment) => `has a folder name ending in a dot or space ("${segment}")`,
  too_long: () => 'has a folder name longer than 255 bytes',
  reserved: (segment) => `writes into ${segment}`,
  device_name: (segment) => `uses the reserved device name "${segment}"`,
};

/**
 * Checks a workspace-relative folder and returns it in normal form (posix separators, no `.`
 * segments, no trailing slash), or what is wrong with it, naming the value.
 */
export function checkOutputDir(raw: unknown): OutputDirResult {
  const refuse = (reason: string): OutputDirResult => ({
    ok: false,
    problem: `must be a folder inside the workspace, outside ${STATE_FOLDER}/ and .git/: ${JSON.stringify(raw)} ${reason}`,
  });
  if (typeof raw !== 'string') return refuse('is not a string');
  const text = raw.trim().replace(/\\/g, '/');
  if (text.startsWith('/') || /^[A-Za-z]:/.test(text)) return refuse('is an absolute path');
  const segments = text.split('/').filter((segment) => segment !== '' && segment !== '.');
  // Windows drops a name's trailing dots and spaces (`... ` is `..` there): no segment may be only those.
  if (segments.some((segment) => /^[. ]+$/.test(segment))) return refuse('leaves the workspace');
  if (segments.length === 0) return refuse(`is the workspace itself, which holds ${STATE_FOLDER}/`);
  for (const segment of segments) {
    const reason = RESERVED[segment.toLowerCase().replace(/[. ]+$/, '')];
    if (reason !== undefined) return refuse(reason);
  }
  // Every app's path starts with this folder: what its commit would refuse is refused here, before
  // any job is recorded or paid for.
  if (hasControlChars(text)) return refuse('contains control characters');
  for (const segment of segments) {
    const problem = segmentProblem(segment);
    if (problem !== undefined) return refuse(SEGMENT_REASONS[problem](segment));
  }
  return { ok: true, dir: segments.join('/') };
}
