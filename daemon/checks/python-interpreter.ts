/**
 * Which Python compiles a backend's files: the one a setting names (`appgen.checks.python` or
 * `APPGEN_PYTHON`: a command looked up on PATH, or a path, relative to the workspace when it is
 * not absolute), else `python3` on PATH, else `/usr/bin/python3`. Looked up without a shell.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export type PythonFound = { ok: true; command: string } | { ok: false; reason: string };

export interface PythonLookup {
  /** The setting's value; empty or absent for the default search. */
  setting?: string;
  /** The PATH to search. */
  path: string;
  /** Where a relative path in the setting starts. */
  workspace: string;
  /** Whether a file exists and may be run; tests replace it. */
  isExecutable?: (file: string) => boolean;
}

const FALLBACK = '/usr/bin/python3';
const HOW_TO_SET = 'set appgen.checks.python (or APPGEN_PYTHON) to an interpreter';

export function findPython(lookup: PythonLookup): PythonFound {
  const executable = lookup.isExecutable ?? isExecutableFile;
  const setting = lookup.setting?.trim();
  if (setting) {
    const found = /[\\/]/.test(setting)
      ? [isAbsolute(setting) ? setting : resolve(lookup.workspace, setting)].find(executable)
      : onPath(setting, lookup.path, executable);
    return found
      ? { ok: true, command: found }
      : {
          ok: false,
          reason: `the Python interpreter "${setting}" named by appgen.checks.python / APPGEN_PYTHON was not found`,
        };
  }
  const found = onPath('python3', lookup.path, executable) ?? (executable(FALLBACK) ? FALLBACK : undefined);
  return found
    ? { ok: true, command: found }
    : { ok: false, reason: `no python3 found on PATH or at ${FALLBACK}; ${HOW_TO_SET}` };
}

function onPath(name: string, path: string, executable: (file: string) => boolean): string | undefined {
  for (const folder of path.split(delimiter)) {
    // An empty entry means the current folder to a shell; a daemon has no business running from there.
    if (folder === '' || !isAbsolute(folder)) continue;
    const candidate = join(folder, name);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
