import type { Component } from '../../shared/job';
import {
  escapeControlChars,
  hasControlChars,
  MAX_NAME_BYTES,
  type SegmentProblem,
  segmentProblem,
} from '../../shared/path-segment';
import { COMPONENT_FOLDERS } from '../../shared/workspace-layout';
import { DaemonError } from '../daemon-error';

/**
 * A whole path may have about 4096 bytes; an app-relative path gets a quarter of that, so the
 * workspace, output folder and staging folder in front of it still fit. (A name's limit is
 * MAX_NAME_BYTES, with the other rules for one name, in shared/path-segment.ts.)
 */
export const MAX_APP_PATH_BYTES = 1024;
export { MAX_NAME_BYTES };

const DRIVE_LETTER = /^[A-Za-z]:/;

/** `rawPath` refused for the `problem` of its `segment`, in this module's words. */
function segmentRefused(rawPath: string, segment: string, problem: SegmentProblem): DaemonError {
  switch (problem) {
    case 'only_dots':
      return unsafePath(rawPath, `has a segment "${segment}" of only dots`);
    case 'not_portable':
      return unsafePath(rawPath, 'contains a character not allowed in file names');
    case 'trailing_dot_or_space':
      return unsafePath(rawPath, 'has a segment ending in a dot or space');
    case 'too_long': {
      const bytes = Buffer.byteLength(segment, 'utf8');
      return unsafePath(rawPath, `has a name of ${bytes} bytes, too long: a name may have ${MAX_NAME_BYTES}`);
    }
    case 'reserved':
      return unsafePath(rawPath, `writes into ${segment}`);
    case 'device_name':
      return unsafePath(rawPath, `uses the reserved device name "${segment}"`);
  }
}

/**
 * Normalises a path a model named into safe relative segments, or throws `unsafe_path`.
 *
 * Backslashes count as separators, `.` segments are dropped; anything that could leave the folder it
 * is resolved against on any platform (absolute, UNC, drive letters, `..`, names Windows silently
 * rewrites, device names, control characters) is refused rather than repaired.
 */
export function normaliseRelativePath(rawPath: string): string[] {
  const pathBytes = Buffer.byteLength(rawPath, 'utf8');
  if (pathBytes > MAX_APP_PATH_BYTES)
    throw unsafePath(
      rawPath,
      `is ${pathBytes} bytes long, longer than the ${MAX_APP_PATH_BYTES} a path may have`,
    );
  const trimmed = rawPath.trim();
  if (hasControlChars(trimmed)) throw unsafePath(rawPath, 'contains control characters');
  const path = trimmed.replaceAll('\\', '/');
  if (path === '') throw unsafePath(rawPath, 'is empty');
  if (path.startsWith('/')) throw unsafePath(rawPath, 'is absolute');
  if (DRIVE_LETTER.test(path)) throw unsafePath(rawPath, 'names a drive');
  if (path.endsWith('/')) throw unsafePath(rawPath, 'names a folder, not a file');

  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '.') continue;
    if (segment === '') throw unsafePath(rawPath, 'has an empty segment');
    if (segment === '..') throw unsafePath(rawPath, 'leaves its folder with ".."');
    const problem = segmentProblem(segment);
    if (problem) throw segmentRefused(rawPath, segment, problem);
    segments.push(segment);
  }
  if (segments.length === 0) throw unsafePath(rawPath, 'names no file');
  return segments;
}

/**
 * Resolves a path from one component's answer against that component's folder and returns the
 * app-relative posix path (`src/App.jsx` in a frontend answer -> `frontend/src/App.jsx`). A path that
 * already starts with the component's folder (in any case) is not doubled. Throws `unsafe_path`.
 */
export function safeAppPath(component: Component, rawPath: string): string {
  const segments = normaliseRelativePath(rawPath);
  const folder = COMPONENT_FOLDERS[component];
  // Compared without case: on case-insensitive disks `Frontend/` is the same folder.
  if (segments[0]!.toLowerCase() === folder) {
    if (segments.length === 1) throw unsafePath(rawPath, 'names the component folder itself');
    segments.shift();
  }
  return [folder, ...segments].join('/');
}

/**
 * Checks that a path is already a normalised app-relative path inside a component folder
 * (`backend/...` or `frontend/...`); throws `unsafe_path` otherwise. A second line of defence for
 * callers that receive paths from elsewhere.
 */
export function assertAppRelativePath(path: string): void {
  const segments = normaliseRelativePath(path);
  if (segments.join('/') !== path) throw unsafePath(path, 'is not in normal form');
  const folders: readonly string[] = Object.values(COMPONENT_FOLDERS);
  if (segments.length < 2 || !folders.includes(segments[0]!)) {
    throw unsafePath(path, 'is not inside a component folder');
  }
}

/** The `unsafe_path` error, naming the path (escaped and shortened, so it is safe to show). */
export function unsafePath(rawPath: string, reason: string): DaemonError {
  const short = rawPath.length > 200 ? `${rawPath.slice(0, 200)}...` : rawPath;
  const shown = escapeControlChars(short);
  return new DaemonError('unsafe_path', `Unsafe path "${shown}": ${reason}.`);
}
